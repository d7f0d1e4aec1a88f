import { demo, hydrated, login, expect, test } from './helpers';

test('the owner builds a zone with an SL-T vector, sees its gaps per FR, creates a profile from it, marks a component legacy and records a countermeasure the integrator accepts', async ({ page }) => {
  await login(page, demo.ownerAdmin);
  await page.getByRole('link', { name: 'Zones' }).click();
  await expect(page).toHaveURL(/\/zones$/);
  await hydrated(page);

  // The demo plant: the control zone's target and what Ostrava's accepted
  // quick check shows for its RTU.
  const view = page.getByTestId('zone-view').first();
  await expect(view.locator('tr[data-zone="Control zone"]')).toContainText('(2, 2, 3, 1, 2, 1, 2)');
  await expect(page.getByTestId('conduit-view')).toContainText('Plant DMZ ↔ Control zone');

  // A new zone: a bad vector is named, then the right one.
  const form = page.getByTestId('zone-form');
  await form.getByLabel('System').selectOption({ label: 'Water treatment plant' });
  await form.getByLabel('Name').fill('Pump station 4');
  await form.getByLabel('Target SL vector (SL-T)').fill('2,2,5,1,2,1,2');
  await form.getByRole('button', { name: 'Add zone' }).click();
  await expect(form.locator('.field-error')).toContainText("FR3: '5' is not a level from 1 to 4");
  await form.getByLabel('Target SL vector (SL-T)').fill('2,2,3,1,2,1,2');
  await form.getByRole('button', { name: 'Add zone' }).click();
  const row = view.locator('tr[data-zone="Pump station 4"]');
  await expect(row).toContainText('no components');

  // Into the zone: a component, its gaps, then a profile from the vector.
  await row.getByRole('link', { name: 'Pump station 4' }).click();
  await expect(page.getByTestId('zone-name')).toHaveText('Zone Pump station 4');
  await hydrated(page);
  const add = page.getByTestId('component-form');
  await add.getByLabel('Name').fill('Booster pump RTU');
  await add.getByLabel('Component type').selectOption('EDR');
  await add.getByLabel('Supplier').selectOption({ label: 'Ostrava Automation' });
  await add.getByLabel('End of support').fill('2024-06-30');
  await add.getByRole('button', { name: 'Add component' }).click();
  const rtu = page.getByTestId('components').locator('tr[data-component="Booster pump RTU"]');
  await expect(rtu).toContainText('end of support passed');
  // Nothing accepted covers it yet: every FR is open.
  await expect(page.getByTestId('zone-fr').locator('td[data-state="open"]')).toHaveCount(7);
  await rtu.getByRole('button', { name: 'Mark legacy' }).click();
  await expect(rtu.getByTestId('legacy')).toBeVisible();

  // A compensating countermeasure carried by Delta, the integrator: FR1
  // and FR3 turn compensated.
  const cm = page.getByTestId('countermeasures');
  await cm.locator('summary').click();
  const cmForm = page.getByTestId('countermeasure-form');
  await cmForm.getByLabel('Legacy component').selectOption({ label: 'Booster pump RTU' });
  await cmForm.getByLabel('Foundational requirements it stands in for').fill('FR1, FR3');
  await cmForm.getByLabel('What is done').fill('Booster pump sessions only through the jump host');
  await cmForm.getByLabel('Where').selectOption('zone_boundary');
  await cmForm.getByLabel('Carried by').selectOption({ label: 'Delta Integration Services' });
  const review = new Date(Date.now() + 60 * 86400000).toISOString().slice(0, 10);
  await cmForm.getByLabel('Next review').fill(review);
  await cmForm.getByRole('button', { name: 'Record countermeasure' }).click();
  await expect(cm.locator('tr[data-countermeasure="Booster pump RTU"]')).toContainText('Delta Integration Services');
  await expect(page.getByTestId('zone-fr').locator('td[data-state="compensated"]')).toHaveCount(2);

  const profile = page.getByTestId('zone-profile-form');
  await profile.getByLabel('Component type').selectOption('EDR');
  await profile.getByRole('button', { name: 'Create profile' }).click();
  await page.getByTestId('zone-profile-created').getByRole('link', { name: 'Open it' }).click();
  await expect(page).toHaveURL(/\/profiles\/\d+$/);
  await expect(page.locator('h1')).toContainText('Pump station 4');
  // FR3 at SL 3, FR4 at SL 1: an FR3 enhancement from SL 3 is in, CR 4.2 (from SL 2) is not.
  await expect(page.locator('tr[data-ref="CR 3.4 RE(2)"]')).toHaveCount(1);
  await expect(page.locator('tr[data-ref="CR 4.2"]')).toHaveCount(0);
  await expect(page.locator('tr[data-ref="CR 4.1"]')).toHaveCount(1);

  // Delta sees the countermeasure it carries as a commitment and agrees;
  // the owner's zone model stays closed to it.
  const delta = await (await page.context().browser()!.newContext()).newPage();
  await login(delta, demo.deltaAdmin);
  await delta.goto('/commitments');
  await hydrated(delta);
  const carried = delta.getByTestId('commitments').locator('tr', { hasText: 'Booster pump sessions only through the jump host' });
  await expect(carried).toContainText('Compensating countermeasure');
  await expect(carried.getByTestId('commitment-status')).toHaveText('Proposed');
  await carried.getByRole('button', { name: 'Agree' }).click();
  await expect(carried.getByTestId('commitment-status')).toHaveText('Agreed');
  const closed = await delta.goto('/zones');
  expect(closed?.status()).toBe(404);
  await page.goto('/zones');
  await hydrated(page);
  await page.getByTestId('zone-view').first().locator('tr[data-zone="Pump station 4"]').getByRole('link').click();
  await expect(page.getByTestId('countermeasures').locator('tr[data-countermeasure="Booster pump RTU"]')).toContainText('commitment agreed');
});
