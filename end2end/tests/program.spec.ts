import { demo, hydrated, login, expect, test } from './helpers';

test('the owner rates its security program: three requirements move the element chart, the history keeps each save, and its own trace replaces Pactline\'s', async ({ page }) => {
  await login(page, demo.ownerContributor);
  await page.getByRole('link', { name: 'Program' }).click();
  await expect(page).toHaveURL(/\/program$/);
  await hydrated(page);
  const cm = page.getByTestId('program-rollup').locator('tr[data-spe="SPE 2"]');
  // Configuration management is not rated in the demo: no bar yet.
  await expect(cm.locator('td').nth(1)).toHaveText('0');
  await expect(page.getByTestId('program-chart-text')).not.toContainText('SPE 2');
  // The demo's ratings are there: remote access (SPE 3) is below target.
  await expect(page.getByTestId('program-rollup').locator('tr[data-spe="SPE 3"] td').nth(1)).toHaveText('3');

  const rate = async (ref: string, target: string, achieved: string, note: string) => {
    await page.goto('/program');
    await hydrated(page);
    await page.locator(`tr[data-ref="${ref}"]`).getByRole('link').click();
    await expect(page.getByTestId('program-requirement')).toContainText(ref);
    await hydrated(page);
    const form = page.getByTestId('rating-form');
    await form.getByLabel('Target maturity').selectOption(target);
    await form.getByLabel('Achieved maturity').selectOption(achieved);
    await form.getByLabel('Owner in your organization').selectOption({ label: demo.ownerContributor.name });
    await form.getByLabel('Note').fill(note);
    await form.getByRole('button', { name: 'Save rating' }).click();
    await expect(page.getByTestId('rating-history').locator('tbody tr').first()).toContainText(note);
  };
  await rate('CM 1.1', '3', '2', 'Inventory of plant 1 only.');
  await rate('CM 1.2', '2', '2', 'Drawings current.');
  await rate('CM 1.3', '3', '1', 'Baselines missing for PLCs.');

  // A second save of CM 1.3 adds a version; both are in the history.
  const form = page.getByTestId('rating-form');
  await form.getByLabel('Achieved maturity').selectOption('2');
  await form.getByLabel('Note').fill('Baselines for half of the PLCs.');
  await form.getByRole('button', { name: 'Save rating' }).click();
  const history = page.getByTestId('rating-history').locator('tbody tr');
  await expect(history).toHaveCount(2);
  await expect(history.first()).toContainText('ML2');
  await expect(history.nth(1)).toContainText('Baselines missing for PLCs.');

  // The chart and the table now show SPE 2 with the same numbers:
  // targets 3, 2, 3 and achieved 2, 2, 2.
  await page.goto('/program');
  await hydrated(page);
  await expect(cm.locator('td').nth(1)).toHaveText('3');
  await expect(cm.locator('td').nth(2)).toHaveText('2.7');
  await expect(cm.locator('td').nth(3)).toHaveText('2.0');
  await expect(page.getByTestId('program-chart-text')).toContainText('SPE 2: mean target 2.7, mean achieved 2.0');
  await expect(page.getByTestId('program-chart').locator('svg text', { hasText: 'SPE 2' })).toHaveCount(1);

  // The trace: a bad line is named and nothing changes; then the owner's own.
  await page.locator('tr[data-ref="CM 1.1"]').getByRole('link').click();
  await hydrated(page);
  const trace = page.getByTestId('trace');
  await expect(page.getByTestId('trace-origin')).toContainText('Pactline');
  await trace.locator('summary').click();
  const lines = trace.getByLabel(/One requirement per line/);
  await lines.fill('2-4 SP.06.01 BR\n4-2 CR 99.9');
  await trace.getByRole('button', { name: 'Save trace' }).click();
  await expect(trace.locator('.field-error')).toContainText("line 2: IEC 62443-4-2 has no requirement 'CR 99.9'");
  await lines.fill('2-4 SP.06.01 BR\n4-2 CR 7.8');
  await trace.getByRole('button', { name: 'Save trace' }).click();
  await expect(page.getByTestId('trace-origin')).toContainText("Your organization's trace.");
  await expect(trace.locator('tbody tr')).toHaveCount(2);
  await expect(trace.locator('tbody')).toContainText('Control system component inventory');
});
