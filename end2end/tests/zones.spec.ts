import { demo, hydrated, inDays, login, publishProfile, expect, test } from './helpers';

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
  const items = await page.locator('tr[data-ref]').count();

  // Published and sent to Ostrava, who supplies such RTUs.
  await hydrated(page);
  const profileName = (await page.locator('h1').textContent())!.trim();
  await publishProfile(page, 1);
  await expect(page.getByTestId('profile-status')).toHaveText('Version 1 · Published');
  await page.goto('/engagements');
  await hydrated(page);
  const tender = `Pump station 4 RTUs ${Date.now()}`;
  await page.getByLabel('Name').fill(tender);
  await page.getByRole('button', { name: 'Create engagement' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(tender);
  await hydrated(page);
  await page.getByLabel('Profile version').selectOption({ label: `${profileName} (v1)` });
  await page.getByLabel('Due date', { exact: true }).fill(inDays(30));
  await page.getByTestId('send-suppliers').getByLabel('Ostrava Automation', { exact: true }).check();
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(page.locator('tr[data-supplier="Ostrava Automation"]')).toContainText(`0 / ${items} answered`);

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

test('the owner reviews a countermeasure it carries, sees where the integrator\'s is implemented, and downloads the zone model as an OSCAL plan', async ({ browser }) => {
  const page = await (await browser.newContext({ acceptDownloads: true })).newPage();
  await login(page, demo.ownerAdmin);
  await page.goto('/zones');
  await hydrated(page);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('system-oscal').first().click()]);
  const fs = require('fs');
  const plan = JSON.parse(fs.readFileSync(await download.path(), 'utf8'))['system-security-plan'];
  expect(plan['system-characteristics']['system-name']).toBe('Water treatment plant');
  const titles = plan['system-implementation'].components.map((c: any) => c.title);
  expect(titles).toEqual(expect.arrayContaining(['Control zone', 'Remote access', 'Pump station RTU']));

  await page.getByTestId('zone-view').first().locator('tr[data-zone="Control zone"]').getByRole('link').click();
  await hydrated(page);
  const measures = page.getByTestId('countermeasures');
  // Delta's is implemented on the remote-access conduit.
  await expect(measures.locator('tr', { hasText: 'jump host with recorded sessions' })).toContainText('On a conduit: Remote access');
  // Northwind's own: reviewed once; a second review moves the date on.
  const own = measures.locator('tr', { hasText: 'two named operator accounts' });
  await expect(own.getByTestId('last-review')).toContainText('no unexpected writes');
  await own.locator('summary', { hasText: 'Record a review' }).click();
  const form = own.getByTestId('countermeasure-review-form');
  await form.getByRole('button', { name: 'Save review' }).click();
  await expect(form.locator('.field-error')).toContainText('Say what the review found');
  await form.getByLabel('What the review found').fill('Operator accounts re-checked; log reviewed');
  const next = inDays(120);
  await form.getByLabel('Next review').fill(next);
  await form.getByRole('button', { name: 'Save review' }).click();
  await expect(own.getByTestId('last-review')).toContainText('Operator accounts re-checked');
  await expect(own).toContainText(next);
});
