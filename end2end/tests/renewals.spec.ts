import { demo, hydrated, login, expect, test } from './helpers';

test('the portfolio shows what is due for renewal; the owner sets how often an accepted assessment comes back, a wrong cadence named', async ({ browser }) => {
  const page = await (await browser.newContext()).newPage();
  await login(page, demo.ownerAdmin);
  await page.goto('/');
  await hydrated(page);
  const due = page.getByTestId('renewals').locator('li[data-renewal="Ostrava Automation"]');
  await expect(due).toContainText('due soon');
  await due.getByRole('link').first().click();
  await hydrated(page);
  const card = page.getByTestId('renewal');
  await expect(card.getByTestId('renews-on')).toContainText('Every 2 months');
  const months = card.getByLabel('Re-assess every (months)');
  await months.fill('0');
  await card.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('renewal').locator('.field-error')).toContainText('1 to 60');
  await page.getByTestId('renewal').getByLabel('Re-assess every (months)').fill('12');
  await page.getByTestId('renewal').getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('renewal').getByTestId('renews-on')).toContainText('Every 12 months');

  // The supplier reads the assessment, without the owner's control.
  const ostrava = await (await browser.newContext()).newPage();
  await login(ostrava, demo.ostravaAdmin);
  await ostrava.goto(page.url());
  await hydrated(ostrava);
  await expect(ostrava.getByTestId('assessment-status')).toBeVisible();
  await expect(ostrava.getByLabel('Re-assess every (months)')).toHaveCount(0);
});
