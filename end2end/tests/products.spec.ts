import { demo, hydrated, inDays, login, sendQuickCheckToHelix, expect, test } from './helpers';

test('a supplier keeps its product library: versions and certificates, the expiring one flagged; an asset owner has no such page', async ({ browser }) => {
  const page = await (await browser.newContext()).newPage();
  await login(page, demo.helixAdmin);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Products' }).click();
  await expect(page).toHaveURL(/\/products$/);
  await hydrated(page);
  const hx = page.getByTestId('products').locator('tr[data-product="HX-500"]');
  await expect(hx).toContainText('4.2, 4.1');
  await expect(hx).toContainText('ISASecure CSA');
  await expect(hx).toContainText('expiring');
  // The organization's own certificate (its development process).
  await expect(page.getByTestId('certificates').first()).toContainText('SDLA-HELIX-2025-08');

  await hx.getByRole('link', { name: 'HX-500' }).click();
  await expect(page.getByTestId('product-name')).toHaveText('HX-500');
  await hydrated(page);
  await expect(page.locator('section[data-version="4.2"] td[data-state="expiring"]')).toContainText(inDays(21));

  // A new version, then its certificate: a wrong level is named, then fixed.
  const version = page.getByTestId('version-form');
  await version.getByLabel('Version').fill('4.3');
  await version.getByLabel('Released on').fill(inDays(-5));
  await version.getByRole('button', { name: 'Add version' }).click();
  await expect(page.locator('section[data-version="4.3"]')).toContainText('No certificate recorded.');
  const cert = page.getByTestId('certificate-form');
  await cert.getByLabel('Version').selectOption({ label: '4.3' });
  await cert.getByLabel('Scheme', { exact: true }).selectOption('isasecure_csa');
  await cert.getByLabel('Level').fill('2,2,5,2,2,2,2');
  await cert.getByLabel('Certificate number').fill('CSA-HX500-43-0001');
  await cert.getByLabel('Issued by').fill('Kestrel Certification');
  await cert.getByLabel('Issued on').fill(inDays(-1));
  await cert.getByLabel('Expires on').fill(inDays(1000));
  await cert.getByRole('button', { name: 'Record certificate' }).click();
  await expect(cert.locator('.field-error')).toContainText("FR3: '5' is not a level from 1 to 4");
  await cert.getByLabel('Level').fill('2');
  await cert.getByRole('button', { name: 'Record certificate' }).click();
  const row = page.locator('section[data-version="4.3"] tr[data-certificate="CSA-HX500-43-0001"]');
  await expect(row).toContainText('SL 2');
  await expect(row.locator('td[data-state="valid"]')).toBeVisible();

  // An asset owner has no product library.
  const owner = await (await browser.newContext()).newPage();
  await login(owner, demo.ownerAdmin);
  await expect(owner.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Products' })).toHaveCount(0);
  const closed = await owner.goto('/products');
  expect(closed?.status()).toBe(404);
});

test('a supplier keeps answers per product version and fills a questionnaire from them, a certificate covering the rest', async ({ browser }) => {
  const helix = await (await browser.newContext()).newPage();
  await login(helix, demo.helixAdmin);
  await helix.goto('/products');
  await hydrated(helix);
  await helix.getByTestId('products').getByRole('link', { name: 'HX-500' }).click();
  await hydrated(helix);
  await helix.locator('section[data-version="4.2"]').getByTestId('answer-set-link').click();
  await expect(helix.getByTestId('answer-set-title')).toHaveText('HX-500 4.2 — answers');
  await hydrated(helix);
  await expect(helix.getByTestId('answer-set-progress')).toContainText('Copied from version 4.1');
  // 4.2 signs its firmware: changed since 4.1.
  await expect(helix.locator('tr[data-ref="CR 3.4"]')).toContainText('changed (was: Planned');
  await expect(helix.locator('tr[data-ref="CR 1.1"]')).toContainText('unchanged');
  // CR 1.2 improves in 4.2.
  await helix.locator('tr[data-ref="CR 1.2"]').getByRole('button', { name: 'Edit' }).click();
  const editor = helix.getByTestId('product-answer-editor');
  await editor.getByLabel('Answer').selectOption('meets');
  await editor.getByLabel('Level claimed').fill('2');
  await editor.getByLabel('Statement').fill('Every device authenticates with its certificate.');
  await editor.getByRole('button', { name: 'Save answer' }).click();
  await expect(editor).toHaveCount(0);
  await expect(helix.locator('tr[data-ref="CR 1.2"]')).toContainText('Meets · level 2 · Every device authenticates with its certificate.');

  // Northwind sends the quick check; Helix fills it from HX-500 4.2.
  const owner = await (await browser.newContext()).newPage();
  await login(owner, demo.ownerAdmin);
  const sent = await sendQuickCheckToHelix(owner, `HX-500 refresh ${Date.now()}`, 21);
  await helix.goto(`/assessments/${sent.assessment}`);
  await hydrated(helix);
  const fill = helix.getByTestId('fill-from-product');
  await fill.locator('summary').click();
  await fill.getByLabel('Product version').selectOption({ label: 'HX-500 4.2' });
  await fill.getByRole('button', { name: 'Fill from product' }).click();
  const report = helix.getByTestId('fill-report');
  await expect(report).toContainText('From HX-500 4.2: 3 answers filled from its answer set, 1 from certificates; 0 already answered kept; 1 not covered.');
  await expect(report.getByTestId('filled-by-certificate')).toContainText('CR 2.1');
  // The copies are ordinary answers; the assessment now says what it is about.
  await expect(helix.locator('tr[data-ref="CR 2.1"]')).toContainText('Meets');
  await expect(helix.locator('tr[data-ref="CR 1.2"]')).toContainText('Meets');
  await expect(helix.locator('tr[data-ref="CR 1.13"]')).not.toContainText('Meets');
  await expect(helix.getByTestId('assessment-product')).toHaveText('About: HX-500 4.2');
  // The owner sees it too.
  await owner.goto(`/assessments/${sent.assessment}`);
  await hydrated(owner);
  await expect(owner.getByTestId('assessment-product')).toHaveText('About: HX-500 4.2');
  await expect(owner.getByTestId('fill-from-product')).toHaveCount(0);
});
