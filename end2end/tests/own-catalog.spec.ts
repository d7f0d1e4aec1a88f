import { demo, hydrated, login, publishProfile, expect, test } from './helpers';

test('a bad catalog file is rejected with row errors; a good one adds corporate requirements to a profile', async ({ page }) => {
  await login(page, demo.ownerAdmin);
  await page.goto('/catalogs');
  await hydrated(page);
  const name = `Northwind OT standard ${Date.now()}`;
  const form = page.getByTestId('import-form');
  await form.getByLabel('Catalog name').fill(name);
  await form.getByLabel('File').setInputFiles({
    name: 'ot.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('ref_id,title,parent\nNW-1,Jump host only,\nNW-1,Twice,\nNW-2,,NW-9\n'),
  });
  await form.getByRole('button', { name: 'Import' }).click();
  const errors = page.getByTestId('import-errors');
  await expect(errors).toContainText('3 problems found; nothing was imported');
  await expect(errors).toContainText('row 3, ref_id');
  await expect(errors).toContainText('row 4, parent');
  await expect(page.getByTestId('catalogs')).not.toContainText(name);

  await form.getByLabel('File').setInputFiles({
    name: 'ot.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('ref_id,title,group\nNW-1,Remote access only through the jump host,NW\nNW-2,Removable media scanned at the kiosk,NW\n'),
  });
  await form.getByRole('button', { name: 'Import' }).click();
  await expect(page.getByTestId('import-ok')).toContainText('Imported 2 requirements');
  await expect(page.getByTestId('catalogs')).toContainText(name);

  // Into a profile next to the 62443-4-2 selection.
  await page.goto('/profiles');
  await hydrated(page);
  await page.getByLabel('Name').fill(`Controller with corporate rules ${Date.now()}`);
  await page.getByRole('button', { name: 'Create profile' }).click();
  await expect(page.getByTestId('profile-status')).toHaveText('Version 1 · Draft');
  await hydrated(page);
  await page.getByLabel('Catalog').selectOption({ label: 'IEC 62443-4-2:2019 Technical security requirements for IACS components' });
  await page.getByLabel('Component type').selectOption('EDR');
  await page.getByRole('button', { name: 'Add requirements' }).click();
  await expect(page.locator('tr[data-ref="CR 1.1"]')).toBeVisible();
  await page.getByLabel('Catalog').selectOption({ label: name });
  await page.getByLabel('Component type').selectOption('');
  await page.getByRole('button', { name: 'Add requirements' }).click();
  await expect(page.getByTestId('added')).toHaveText('2 requirements added.');
  await expect(page.locator('tr[data-ref="NW-2"]')).toBeVisible();
  await publishProfile(page, 1);
  await expect(page.getByTestId('profile-status')).toHaveText('Version 1 · Published');
});
