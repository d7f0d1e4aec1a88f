import { expect, test } from '@playwright/test';
import { demo, hydrated, login } from './helpers';

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
