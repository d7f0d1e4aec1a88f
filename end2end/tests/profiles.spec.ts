import { demo, hydrated, login, publishProfile, expect, test } from './helpers';

test('an asset owner builds "Embedded controller, SL-T 2" from 62443-4-2 and publishes it', async ({ page }) => {
  await login(page, demo.ownerAdmin);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Profiles' }).click();
  await hydrated(page);
  const name = `Embedded controller, SL-T 2 (${Date.now()})`;
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Purpose').fill('PLCs and RTUs in the SCADA upgrade');
  await page.getByRole('button', { name: 'Create profile' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
  await expect(page.getByTestId('profile-status')).toHaveText('Version 1 · Draft');
  await hydrated(page);

  await page.getByLabel('Catalog').selectOption({ label: 'IEC 62443-4-2:2019 Technical security requirements for IACS components' });
  await page.getByLabel('Component type').selectOption('EDR');
  await page.getByLabel('Target level (SL-T or ML)').selectOption('2');
  await page.getByRole('button', { name: 'Add requirements' }).click();
  await expect(page.getByTestId('added')).toContainText('requirements added');
  // The form keeps the choice for the next batch.
  await expect(page.getByLabel('Component type')).toHaveValue('EDR');
  await expect(page.getByLabel('Catalog')).toHaveValue(/\d+/);
  await expect(page.getByLabel('Catalog').locator('option:checked')).toHaveText('IEC 62443-4-2:2019 Technical security requirements for IACS components');
  const row = page.locator('tr[data-ref="CR 1.1 RE(1)"]');
  await expect(row).toBeVisible();
  await expect(page.locator('tr[data-ref="NDR 1.6"]')).toHaveCount(0);

  // Set a parameter and require evidence on one item.
  await row.getByLabel('Parameters').fill('Unique operator accounts, no shared logins');
  await row.getByLabel('Evidence required').check();
  await row.getByRole('button', { name: 'Save' }).click();
  // The row says it was saved.
  await expect(page.locator('tr[data-ref="CR 1.1 RE(1)"]').getByTestId('row-saved')).toHaveText('Saved ✓');
  await page.reload();
  await hydrated(page);
  await expect(page.locator('tr[data-ref="CR 1.1 RE(1)"]').getByLabel('Parameters')).toHaveValue('Unique operator accounts, no shared logins');

  // A long profile: filter it, tick what is shown, change those rows at once.
  const total = await page.getByTestId('profile-items').locator('tbody tr').count();
  await expect(page.getByTestId('item-filter-count')).toHaveText(`all ${total} shown`);
  await page.getByTestId('item-filter-text').fill('CR 2.1');
  await expect(page.locator('tr[data-ref="CR 1.1 RE(1)"]')).toBeHidden();
  await expect(page.locator('tr[data-ref="CR 2.1"]')).toBeVisible();
  const shownText = await page.getByTestId('item-filter-count').textContent();
  const shown = Number((shownText ?? '').split(' ')[0]);
  expect(shown).toBeGreaterThan(0);
  expect(shown).toBeLessThan(total);
  await page.getByTestId('bulk-select-shown').click();
  await expect(page.getByTestId('bulk-count')).toHaveText(shown === 1 ? '1 requirement selected' : `${shown} requirements selected`);
  await page.getByTestId('bulk-weight').fill('3');
  await page.getByTestId('bulk-evidence').selectOption('yes');
  await page.getByTestId('bulk-party').selectOption('service_provider');
  await page.getByRole('button', { name: `Apply to ${shown} selected` }).click();
  await expect(page.getByTestId('bulk-done')).toHaveText(shown === 1 ? '1 requirement changed.' : `${shown} requirements changed.`);
  await expect(page.getByTestId('bulk-count')).toHaveText('No requirement selected');
  const changed = page.locator('tr[data-ref="CR 2.1"]');
  await expect(changed.getByLabel('Weight')).toHaveValue('3');
  await expect(changed.getByLabel('Evidence required')).toBeChecked();
  await expect(changed.getByLabel('Responsible party')).toHaveValue('service_provider');
  // Rows outside the filter kept their values.
  await page.getByTestId('item-filter-text').fill('');
  await expect(page.getByTestId('item-filter-count')).toHaveText(`all ${total} shown`);
  await expect(page.locator('tr[data-ref="CR 1.1 RE(1)"]').getByLabel('Weight')).toHaveValue('1');
  await page.getByTestId('item-filter-party').selectOption('service_provider');
  await expect(page.getByTestId('item-filter-count')).toHaveText(`${shown} of ${total} shown`);
  await page.getByTestId('item-filter-party').selectOption('');

  await publishProfile(page, 1);
  await expect(page.getByTestId('profile-status')).toHaveText('Version 1 · Published');
  // A published version shows no editing controls.
  await expect(page.locator('tr[data-ref="CR 1.1 RE(1)"]')).toContainText('Unique operator accounts, no shared logins');
  await expect(page.getByRole('button', { name: 'Add requirements' })).toHaveCount(0);
  // Export the published version as .xlsx.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '.xlsx' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^Embedded-controller-SL-T-2-.*-v1-published\.xlsx$/);
  const path = await download.path();
  const bytes = require('fs').readFileSync(path);
  expect(bytes.subarray(0, 2).toString()).toBe('PK');
  await page.getByRole('button', { name: 'Start version 2' }).click();
  await expect(page.getByTestId('profile-status')).toHaveText('Version 2 · Draft');
  // Version 2 starts as a copy: nothing differs from version 1 yet.
  await hydrated(page);
  await page.locator('tr[data-ref="CR 1.1 RE(1)"]').getByLabel('Weight').fill('7');
  await page.locator('tr[data-ref="CR 1.1 RE(1)"]').getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('tr[data-ref="CR 1.1 RE(1)"]').getByLabel('Weight')).toHaveValue('7');
  await page.getByRole('link', { name: '(compare with v1)' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('version 1 → 2');
  await expect(page.getByTestId('diff-added')).toContainText('Added (0)');
  await expect(page.getByTestId('diff-changed')).toContainText('Changed (1)');
  await expect(page.getByTestId('diff-changed')).toContainText('weight 1');
});

test('a supplier has no profiles page', async ({ page }) => {
  await login(page, demo.helixAdmin);
  const resp = await page.goto('/profiles');
  expect(resp?.status()).toBe(404);
});

test('a profile file imports as a new draft; a bad one is refused with row errors', async ({ page }) => {
  await login(page, demo.ownerAdmin);
  await page.goto('/profiles');
  await hydrated(page);
  const form = page.getByTestId('profile-import-form');
  const title = `Imported baseline ${Date.now()}`;
  await form.getByLabel('Title (optional)').fill(title);
  await form.getByLabel('File').setInputFiles({
    name: 'baseline.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('catalog,ref_id,target,weight\niec-62443-4-2,CR 1.1,2,5\niec-62443-4-2,CR 9.9,2,5\niec-62443-4-2,CR 1.2,7,500\n'),
  });
  await form.getByRole('button', { name: 'Import' }).click();
  const errors = page.getByTestId('import-errors');
  await expect(errors).toContainText('nothing was imported');
  await expect(errors).toContainText('row 4, target');
  await expect(errors).toContainText('row 4, weight');
  await expect(page.getByTestId('profiles')).not.toContainText(title);

  await form.getByLabel('File').setInputFiles({
    name: 'baseline.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('catalog,ref_id,target,weight,parameters\niec-62443-4-2,CR 1.1,2,5,Named accounts only\niec-62443-4-1,SM-1,3,2,\n'),
  });
  await form.getByRole('button', { name: 'Import' }).click();
  await expect(page.getByTestId('profile-import-ok')).toContainText('Imported as a new draft');
  await expect(page.getByTestId('profiles')).toContainText(title);
  await page.getByTestId('profile-import-ok').getByRole('link', { name: 'open it' }).click();
  await expect(page.getByTestId('profile-status')).toHaveText('Version 1 · Draft');
  await hydrated(page);
  await expect(page.locator('tr[data-ref="CR 1.1"]').getByLabel('Parameters')).toHaveValue('Named accounts only');
  await expect(page.locator('tr[data-ref="SM-1"]')).toBeVisible();
});
