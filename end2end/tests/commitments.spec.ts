import { demo, hydrated, inDays, login, sendQuickCheckToHelix, expect, test } from './helpers';

test('flow 5: the matrix is agreed once a disagreement is resolved; a planned answer becomes a commitment, closed with evidence and verified; the reminder reaches the supplier', async ({ browser }) => {
  // Set-up through the API of the signed-in sessions: an engagement with
  // the quick check sent to Helix, answered with one requirement planned.
  const owner = await (await browser.newContext()).newPage();
  await login(owner, demo.ownerAdmin);
  const name = `Flow five ${Date.now()}`;
  const { engagement: eng, assessment } = await sendQuickCheckToHelix(owner, name, 60);
  const helix = await (await browser.newContext()).newPage();
  await login(helix, demo.helixContributor);
  const data = await (await helix.request.post('/api/get_assessment', { form: { assessment_id: assessment } })).json();
  const planned = inDays(5);
  for (const a of data.answers) {
    const isPlanned = a.requirement.ref_id === 'CR 1.2';
    const r = await helix.request.post('/api/save_answer', {
      form: {
        answer_id: String(a.id), version: String(a.version),
        'answer[compliance]': isPlanned ? 'planned' : 'meets', 'answer[claimed_level]': isPlanned ? '' : '2',
        'answer[planned_on]': isPlanned ? planned : '', 'answer[countermeasure]': '', 'answer[na_reason]': '',
        'answer[other_party]': '', 'answer[statement]': 'Done', 'answer[responsibility_accepted]': 'yes',
      },
    });
    expect(r.status()).toBe(200);
  }
  await helix.request.post('/api/add_evidence_link', { form: { answer_id: String(data.answers[0].id), title: 'Policy', url: 'https://helix.example/p' } });

  // Helix accepted its part through its answers; in the matrix it proposes
  // to share one requirement.
  await helix.goto(`/assessments/${assessment}`);
  await helix.getByTestId('assessment-matrix').click();
  await expect(helix).toHaveURL(new RegExp(`/engagements/${eng}/matrix$`));
  await hydrated(helix);
  const mine = helix.getByTestId('matrix');
  await expect(mine.locator('thead')).toContainText('Helix Controls');
  await expect(mine.locator('thead')).not.toContainText('Northwind');
  await expect(mine.locator('tbody tr')).toHaveCount(5);
  await mine.locator('tr[data-ref="CR 2.1"]').getByRole('button', { name: 'Propose change' }).click();
  const propose = helix.getByTestId('propose-panel');
  await propose.getByLabel('Your part').selectOption('shared');
  await propose.getByLabel('How it would be shared').fill('Helix enforces roles in the device; Northwind assigns them');
  await propose.getByLabel('Why').fill('Role assignment is the operator’s job.');
  await propose.getByRole('button', { name: 'Propose' }).click();
  await expect(mine.locator('tr[data-ref="CR 2.1"]')).toHaveAttribute('data-state', 'disagreement');
  await expect(mine.locator('tr[data-ref="CR 2.1"]').getByTestId('proposal')).toContainText('proposes shared');

  // The owner sees the disagreement stand out, filters to it and adopts it.
  await owner.goto(`/engagements/${eng}/matrix`);
  await hydrated(owner);
  await expect(owner.getByTestId('matrix-open')).toBeVisible();
  const matrix = owner.getByTestId('matrix');
  await owner.locator('input[data-state="disagreement"]').check();
  await expect(matrix.locator('tbody tr:visible')).toHaveCount(1);
  const row = matrix.locator('tr[data-ref="CR 2.1"]');
  await expect(row).toContainText('Disagreement');
  await row.getByRole('button', { name: 'Change' }).click();
  const assign = owner.getByTestId('assign-panel');
  await expect(assign.getByTestId('panel-proposal')).toContainText('Helix Controls proposes shared');
  await expect(assign.getByLabel('Duty')).toHaveValue('shared');
  await expect(assign.getByLabel('How it is shared')).toHaveValue('Helix enforces roles in the device; Northwind assigns them');
  await assign.getByRole('button', { name: 'Save' }).click();
  await expect(owner.getByTestId('matrix-agreed')).toContainText('Agreed by both sides');
  await expect(owner.getByTestId('saved').filter({ hasText: 'Saved' })).toContainText('The row shows the new responsibility');
  await owner.locator('input[data-state="agreed"]').check();
  await expect(matrix.locator('tbody tr:visible')).toHaveCount(5);

  // Submitting turns the planned answer into a commitment Helix proposes.
  expect((await helix.request.post('/api/submit_assessment', { form: { assessment_id: assessment } })).status()).toBe(200);
  await owner.goto(`/commitments?engagement=${eng}`);
  await hydrated(owner);
  const commitment = owner.getByTestId('commitments').locator('tr', { hasText: 'CR 1.2' });
  await expect(commitment).toContainText('Planned answer');
  await expect(commitment).toContainText(planned);
  await expect(commitment.getByTestId('commitment-status')).toHaveText('Proposed');
  await commitment.getByRole('button', { name: 'Agree' }).click();
  await expect(commitment.getByTestId('commitment-status')).toHaveText('Agreed');
  await expect(owner.getByTestId('saved')).toContainText('Saved ✓');

  // The reminder job finds it due within a week: Helix's people are told,
  // Northwind's are not.
  await helix.goto('/notifications');
  await hydrated(helix);
  await expect(async () => {
    await helix.reload();
    await expect(helix.getByTestId('notifications')).toContainText('Commitment due in 5 days: Meet CR 1.2', { timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await expect(helix.getByTestId('unread-count')).toBeVisible();
  await owner.goto('/notifications');
  await expect(owner.getByTestId('unread-summary')).toBeVisible();
  await expect(owner.locator('main')).not.toContainText('Commitment due in 5 days: Meet CR 1.2');

  // Helix works on it and closes it with evidence.
  await helix.goto(`/commitments?engagement=${eng}`);
  await hydrated(helix);
  const theirs = helix.getByTestId('commitments').locator('tr', { hasText: 'CR 1.2' });
  await theirs.getByRole('button', { name: 'Start work' }).click();
  await expect(theirs.getByTestId('commitment-status')).toHaveText('In progress');
  await theirs.getByRole('button', { name: 'Mark fulfilled' }).click();
  const panel = helix.getByTestId('act-panel');
  await panel.getByLabel('Link to the closure evidence').fill('https://helix.example/releases/5.2');
  await panel.getByLabel('What was done (optional)').fill('Firmware 5.2 enforces it.');
  await panel.getByRole('button', { name: 'Mark fulfilled' }).click();
  await expect(panel).toHaveCount(0);
  await expect(theirs.getByTestId('commitment-status')).toHaveText('Fulfilled');

  // The owner checks the evidence and verifies.
  await owner.goto(`/commitments?engagement=${eng}`);
  await hydrated(owner);
  const closing = owner.getByTestId('commitments').locator('tr', { hasText: 'CR 1.2' });
  await expect(closing.getByTestId('closure-link')).toHaveAttribute('href', 'https://helix.example/releases/5.2');
  await closing.getByRole('button', { name: 'Verify' }).click();
  await owner.getByRole('radio', { name: 'All' }).check();
  await expect(closing.getByTestId('commitment-status')).toHaveText('Verified');

  // And it leaves as an OSCAL plan of action.
  const poam = await (await owner.request.get(`/commitments/${eng}/export/oscal`)).json();
  expect(poam['plan-of-action-and-milestones']['poam-items'][0].title).toContain('CR 1.2');
});

test('the home pages: the owner\'s portfolio and what a supplier owes', async ({ page }) => {
  await login(page, demo.ownerReviewer);
  await expect(page.getByTestId('portfolio')).toBeVisible();
  await expect(page.getByTestId('stat-overdue-commitments')).not.toHaveText('0');
  await expect(page.getByTestId('heatmap')).toContainText('Ostrava Automation');
  await expect(page.getByTestId('attention')).toContainText('Rotate the vendor VPN certificates');
  // The escalation of the overdue commitment waits for the reviewer.
  await page.getByTestId('notifications-link').click();
  await expect(page.getByTestId('notifications')).toContainText('Overdue commitment with Ostrava Automation');
  await page.getByTestId('mark-all-read').click();
  await expect(page.getByTestId('unread-summary')).toHaveText('0 unread');
  await expect(page.getByTestId('unread-count')).toHaveCount(0);

  const ostrava = await (await page.context().browser()!.newContext()).newPage();
  await login(ostrava, demo.ostravaAdmin);
  await expect(ostrava.getByTestId('owed').locator('tr[data-owner="Northwind Water Utility"]')).toContainText('Deliver the remote access hardening guide');
  // Another supplier's promises are never listed.
  await ostrava.goto('/commitments');
  await expect(ostrava.locator('main')).not.toContainText('Helix');
});
