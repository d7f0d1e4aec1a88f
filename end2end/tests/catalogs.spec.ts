import { demo, hydrated, login, expect, test } from './helpers';

test('an asset owner browses the 62443-4-2 catalog and filters it in the browser', async ({ page }) => {
  await login(page, demo.ownerAdmin);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Catalogs' }).click();
  await expect(page.getByTestId('catalogs')).toContainText('IEC 62443-4-2:2019');
  await page.getByRole('link', { name: /IEC 62443-4-2:2019/ }).click();
  await hydrated(page);
  await expect(page.getByTestId('catalog-count')).toHaveText('141 of 141 requirements');

  // Filtering makes no request to the server.
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.getByLabel('Component type').selectOption('EDR');
  await page.getByLabel('Required at SL').selectOption('2');
  const count = await page.getByTestId('catalog-count').textContent();
  expect(count).toMatch(/^\d+ of 141 requirements$/);
  await expect(page.locator('tr[data-ref="EDR 2.4 RE(1)"]')).toBeVisible();
  await expect(page.locator('tr[data-ref="NDR 1.6"]')).toHaveCount(0);
  await expect(page.locator('tr[data-ref="CR 1.1 RE(2)"]')).toHaveCount(0);
  await page.getByLabel('Search').fill('mobile code');
  await expect(page.getByTestId('catalog-count')).toHaveText('2 of 141 requirements');
  expect(requests).toEqual([]);
});

test('a supplier can read the shipped catalogs too', async ({ page }) => {
  await login(page, demo.deltaContributor);
  await page.goto('/catalogs');
  await expect(page.getByTestId('catalogs')).toContainText('IEC 62443-2-4:2023');
  await page.getByRole('link', { name: /IEC 62443-2-4:2023/ }).click();
  await expect(page.locator('tr[data-ref="SP.01.01 BR"]')).toContainText('add your own wording');
});

test('all shipped requirements in one table, filtered by catalog in the browser', async ({ page }) => {
  await login(page, demo.ownerReviewer);
  await page.goto('/catalogs');
  await page.getByTestId('all-shipped').click();
  await hydrated(page);
  await expect(page.getByTestId('catalog-count')).toHaveText('561 of 561 requirements');
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.getByLabel('Catalog', { exact: true }).selectOption({ label: 'IEC 62443-4-1:2018 Secure product development lifecycle requirements' });
  await expect(page.getByTestId('catalog-count')).toHaveText('47 of 561 requirements');
  await page.getByLabel('Catalog', { exact: true }).selectOption('');
  await page.getByLabel('Search').fill('session lock');
  await expect(page.locator('tr[data-ref="CR 2.5"]')).toBeVisible();
  await expect(page.locator('tr[data-ref="SR 2.5"]')).toBeVisible();
  expect(requests).toEqual([]);
  // A reviewer reads; only editors pick requirements into profiles.
  await expect(page.getByTestId('pick-panel')).toHaveCount(0);
});

test('requirements picked one by one in the catalog join a draft profile', async ({ page }) => {
  await login(page, demo.ownerContributor);
  await page.goto('/profiles');
  await hydrated(page);
  const name = `Picked by hand ${Date.now()}`;
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByRole('button', { name: 'Create profile' }).click();
  await expect(page.getByTestId('profile-status')).toHaveText('Version 1 · Draft');
  const profileUrl = page.url();

  await page.goto('/catalogs');
  await page.getByRole('link', { name: /IEC 62443-4-2:2019/ }).click();
  await hydrated(page);
  const panel = page.getByTestId('pick-panel');
  await panel.getByLabel('Draft profile').selectOption({ label: `${name} (v1)` });
  await panel.getByLabel('Target (SL-T or ML)').selectOption('3');
  await page.getByLabel('Pick CR 2.5').check();
  await page.getByLabel('Search').fill('remote session termination');
  await expect(page.getByTestId('catalog-count')).toHaveText('1 of 141 requirements');
  await page.getByTestId('pick-all-shown').click();
  await expect(page.getByTestId('pick-add')).toHaveText('Add 2 selected');
  await page.getByTestId('pick-add').click();
  await expect(page.getByTestId('pick-ok')).toContainText('Added 2 requirements');

  await page.goto(profileUrl);
  await expect(page.locator('tr[data-ref="CR 2.5"]')).toBeVisible();
  await expect(page.locator('tr[data-ref="CR 2.6"]')).toBeVisible();
  await expect(page.locator('tr[data-ref="CR 2.1"]')).toHaveCount(0);
});
