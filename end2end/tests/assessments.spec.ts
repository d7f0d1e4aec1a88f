import { answerMet, demo, hydrated, inDays, login, sendQuickCheckToHelix, submitAnswers, expect, test } from './helpers';

test('an owner sends a questionnaire to two suppliers; one answers in the browser with evidence and submits; the other cannot look', async ({ browser }) => {
  const ownerPage = await (await browser.newContext()).newPage();
  await login(ownerPage, demo.ownerAdmin);
  await ownerPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Engagements' }).click();
  await hydrated(ownerPage);
  const name = `Pump station tender ${Date.now()}`;
  await ownerPage.getByLabel('Name').fill(name);
  await ownerPage.getByRole('button', { name: 'Create engagement' }).click();
  await expect(ownerPage.getByRole('heading', { level: 1 })).toHaveText(name);
  await hydrated(ownerPage);
  // One step sends the profile to both suppliers, Ostrava with a later due date.
  await ownerPage.getByLabel('Profile version').selectOption({ label: 'Remote access quick check (v1)' });
  await ownerPage.getByLabel('Due date', { exact: true }).fill(inDays(21));
  const pick = ownerPage.getByTestId('send-suppliers');
  await pick.getByLabel('Helix Controls', { exact: true }).check();
  await pick.getByLabel('Ostrava Automation', { exact: true }).check();
  await expect(pick.getByLabel('Own due date for Helix Controls')).toHaveValue(inDays(21));
  await pick.getByLabel('Own due date for Ostrava Automation').fill(inDays(28));
  await ownerPage.getByRole('button', { name: 'Send to 2 suppliers' }).click();
  await expect(ownerPage.getByTestId('sent')).toContainText('Sent to 2 suppliers');
  for (const [supplier, due] of [['Helix Controls', inDays(21)], ['Ostrava Automation', inDays(28)]]) {
    const sentRow = ownerPage.getByTestId('assessments').locator(`tr[data-supplier="${supplier}"]`);
    await expect(sentRow).toContainText('0 / 5 answered');
    await expect(sentRow).toContainText(due);
  }
  // The choice empties after sending, so the same send is not repeated by accident.
  await expect(pick.getByLabel('Helix Controls', { exact: true })).not.toBeChecked();

  // Helix answers in the browser.
  const helix = await (await browser.newContext()).newPage();
  await login(helix, demo.helixContributor);
  await helix.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Assessments' }).click();
  await helix.getByTestId('inbox').locator('tr', { hasText: name }).getByRole('link').click();
  await hydrated(helix);
  await expect(helix.getByTestId('assessment-status')).toHaveText('Sent');
  const row = helix.locator('tr[data-ref="CR 1.1"]');
  await row.getByRole('button', { name: 'Answer' }).click();
  const editor = helix.getByTestId('answer-editor');
  await editor.getByLabel('Compliance').selectOption('meets');
  await expect(editor.getByTestId('save-state')).toHaveText('Saved (version 1).');
  await editor.getByLabel('Statement (how it is met)').fill('Personal accounts only; shared accounts are disabled.');
  await expect(editor.getByTestId('save-state')).toHaveText('Saved (version 2).');
  await editor.getByLabel('Capability security level (SL-C)').selectOption('2');
  await expect(editor.getByTestId('save-state')).toHaveText('Saved (version 3).');
  await expect(row.getByTestId('compliance')).toHaveText('Meets');
  // Delegated to a colleague: the choice says it was saved.
  await editor.getByLabel('Assigned to').selectOption({ label: demo.helixAdmin.name });
  await expect(editor.getByTestId('saved')).toHaveText('Assignment saved ✓');
  await expect(row).toContainText(demo.helixAdmin.name);
  // Evidence: a PDF; a file whose content is not what its name says is refused.
  await editor.getByText('Add a file').click();
  const file = editor.getByLabel(/^File/);
  await file.setInputFiles({ name: 'fake.pdf', mimeType: 'application/pdf', buffer: Buffer.from('MZ not a pdf') });
  await editor.getByRole('button', { name: 'Upload' }).click();
  await expect(editor.getByRole('alert')).toContainText('not a .pdf file');
  await file.setInputFiles({ name: 'account-policy.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7\n% policy\n') });
  await editor.getByRole('button', { name: 'Upload' }).click();
  const link = editor.getByRole('link', { name: 'account-policy.pdf' });
  await expect(link).toBeVisible();
  const evidenceUrl = await link.getAttribute('href');

  // Submitting early names what is missing.
  await submitAnswers(helix);
  await expect(helix.getByTestId('submit-errors')).toContainText('4 not answered');
  // The rest through the same session's API (the editor is covered above).
  const data = await (await helix.request.post('/api/get_assessment', { form: { assessment_id: helix.url().split('/').pop()! } })).json();
  for (const a of data.answers.slice(1)) {
    const r = await helix.request.post('/api/save_answer', {
      form: { answer_id: String(a.id), version: String(a.version), 'answer[compliance]': 'planned', 'answer[planned_on]': inDays(90), 'answer[countermeasure]': '', 'answer[na_reason]': '', 'answer[other_party]': '', 'answer[claimed_level]': '', 'answer[statement]': '', 'answer[responsibility_accepted]': '' },
    });
    expect(r.status()).toBe(200);
  }
  await helix.reload();
  await hydrated(helix);
  await submitAnswers(helix);
  await expect(helix.getByTestId('submitted')).toBeVisible();
  await expect(helix.getByTestId('assessment-status')).toHaveText('Submitted');

  // The owner watches progress across suppliers.
  await ownerPage.reload();
  await expect(ownerPage.locator('tr[data-supplier="Helix Controls"]')).toContainText('Submitted');
  await expect(ownerPage.locator('tr[data-supplier="Helix Controls"]')).toContainText('5 / 5 answered');
  await expect(ownerPage.locator('tr[data-supplier="Ostrava Automation"]')).toContainText('Sent');

  // Ostrava sees its own assessment only, and nothing of Helix's by URL.
  const ostrava = await (await browser.newContext()).newPage();
  await login(ostrava, demo.ostravaAdmin);
  await ostrava.goto('/assessments');
  await expect(ostrava.getByTestId('inbox')).not.toContainText('Helix');
  const helixAssessment = helix.url().replace(/^https?:\/\/[^/]+/, '');
  const page = await ostrava.goto(helixAssessment);
  expect(page!.status()).toBe(404);
  const ev = await ostrava.request.get(evidenceUrl!);
  expect(ev.status()).toBe(404);
  const own = await helix.request.get(evidenceUrl!);
  expect(own.status()).toBe(200);
});

test('a supplier answers offline: downloads the .xlsx, fills it, sees the preview and row errors, applies, submits', async ({ browser }) => {
  const ExcelJS = require('exceljs');
  const owner = await (await browser.newContext()).newPage();
  await login(owner, demo.ownerAdmin);
  await owner.goto('/engagements');
  await hydrated(owner);
  const name = `Offline tender ${Date.now()}`;
  await owner.getByLabel('Name').fill(name);
  await owner.getByRole('button', { name: 'Create engagement' }).click();
  await expect(owner.getByRole('heading', { level: 1 })).toHaveText(name);
  await hydrated(owner);
  await owner.getByLabel('Profile version').selectOption({ label: 'Remote access quick check (v1)' });
  await owner.getByLabel('Due date', { exact: true }).fill(inDays(14));
  await owner.getByTestId('send-suppliers').getByLabel('Ostrava Automation', { exact: true }).check();
  await owner.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(owner.locator('tr[data-supplier="Ostrava Automation"]')).toContainText('0 / 5 answered');

  const page = await (await browser.newContext({ acceptDownloads: true })).newPage();
  await login(page, demo.ostravaContributor);
  await page.goto('/assessments');
  await page.getByTestId('inbox').locator('tr', { hasText: name }).getByRole('link').click();
  await hydrated(page);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-xlsx').click()]);
  const path = await download.path();
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(path);
  expect(book.worksheets.map((w: any) => w.name)).toEqual(['Answers', 'Instructions']);
  const sheet = book.getWorksheet('Answers');
  const header: string[] = (sheet.getRow(1).values as any[]).slice(1);
  const col = (n: string) => header.indexOf(n) + 1;
  // A bad value and a formula-like statement first.
  for (let r = 2; r <= 6; r++) {
    sheet.getRow(r).getCell(col('compliance')).value = r === 2 ? 'sort of' : 'meets';
    sheet.getRow(r).getCell(col('statement')).value = r === 3 ? '=1+1' : `Offline answer ${r}`;
  }
  const bad = Buffer.from(await book.xlsx.writeBuffer());
  await page.getByText('Work offline with the .xlsx file').click();
  await page.getByLabel('Filled-in file (.xlsx)').setInputFiles({ name: 'answers.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: bad });
  await page.getByRole('button', { name: 'Preview' }).click();
  const errors = page.getByTestId('import-errors');
  await expect(errors).toContainText('row 2, compliance');
  await expect(errors).toContainText('row 3, statement');

  sheet.getRow(2).getCell(col('compliance')).value = 'meets';
  sheet.getRow(3).getCell(col('statement')).value = 'Jump host with MFA';
  const good = Buffer.from(await book.xlsx.writeBuffer());
  await page.getByLabel('Filled-in file (.xlsx)').setInputFiles({ name: 'answers.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: good });
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page.getByTestId('sheet-preview')).toContainText('5 rows read: 5 answers change, 0 unchanged.');
  await expect(page.getByTestId('sheet-preview')).toContainText('Jump host with MFA');
  // Labels as on the page, not the workbook's codes.
  const cells = page.getByTestId('sheet-preview').locator('td');
  await expect(cells.filter({ hasText: /^Compliance$/ }).first()).toBeVisible();
  await expect(cells.filter({ hasText: /^Meets$/ }).first()).toBeVisible();
  await expect(cells.filter({ hasText: /^(meets|compliance)$/ })).toHaveCount(0);
  await page.getByTestId('sheet-apply').click();
  await expect(page.getByTestId('sheet-applied')).toHaveText('Applied: 5 answers changed.');
  await expect(page.locator('tr[data-ref="CR 1.1"]').getByTestId('compliance')).toHaveText('Meets');

  // CR 1.1 needs evidence: a link, then submit.
  await page.locator('tr[data-ref="CR 1.1"]').getByRole('button', { name: 'Answer' }).click();
  const editor = page.getByTestId('answer-editor');
  await editor.getByText('Add a link').click();
  await editor.getByLabel('Title').fill('Account policy');
  await editor.getByLabel('Address').fill('https://ostrava.example/policy');
  await editor.getByRole('button', { name: 'Add link' }).click();
  await expect(editor.getByRole('link', { name: 'Account policy' })).toBeVisible();
  await submitAnswers(page);
  await expect(page.getByTestId('assessment-status')).toHaveText('Submitted');
  await owner.reload();
  await expect(owner.locator('tr[data-supplier="Ostrava Automation"]')).toContainText('Submitted');
});

test('a reviewer asks for clarification with shared and internal comments; the supplier sees only the shared one and answers; the reviewer decides with conditions', async ({ browser }) => {
  // Set-up through the API of the signed-in sessions: sent, answered, submitted.
  const owner = await (await browser.newContext()).newPage();
  await login(owner, demo.ownerAdmin);
  const { assessment } = await sendQuickCheckToHelix(owner, `Review tender ${Date.now()}`, 30);
  const helix = await (await browser.newContext()).newPage();
  await login(helix, demo.helixContributor);
  const data = await (await helix.request.post('/api/get_assessment', { form: { assessment_id: assessment } })).json();
  await answerMet(helix, data.answers);
  await helix.request.post('/api/add_evidence_link', { form: { answer_id: String(data.answers[0].id), title: 'Policy', url: 'https://helix.example/p' } });
  expect((await helix.request.post('/api/submit_assessment', { form: { assessment_id: assessment } })).status()).toBe(200);

  // The reviewer works in the browser.
  const reviewer = await (await browser.newContext()).newPage();
  await login(reviewer, demo.ownerReviewer);
  await reviewer.goto(`/assessments/${assessment}`);
  await hydrated(reviewer);
  await expect(reviewer.getByTestId('score')).toContainText('Weighted score: 100.0 / 100');
  await expect(reviewer.getByTestId('gap').locator('svg.gap-chart')).toBeVisible();
  // The chart says what its bars are, in the picture and in words; reached
  // levels are capabilities (SL-C), targets SL-T.
  await expect(reviewer.getByTestId('gap').locator('svg.gap-chart .legend').first()).toContainText('required');
  await expect(reviewer.getByTestId('gap-chart-text')).toContainText('required SL-T');
  await expect(reviewer.getByTestId('gap-table')).toContainText('SL-C');
  await reviewer.getByRole('button', { name: 'Start review' }).click();
  await expect(reviewer.getByTestId('assessment-status')).toHaveText('Under review');
  const row = reviewer.locator('tr[data-ref="CR 1.1"]');
  await row.getByRole('button', { name: 'Details' }).click();
  const panel = reviewer.getByTestId('review-panel');
  await panel.getByRole('button', { name: 'Ask for clarification' }).click();
  await expect(row.getByTestId('review')).toHaveText('Clarification requested');
  // The chosen verdict shows as pressed; the others do not.
  await expect(panel.getByRole('button', { name: 'Ask for clarification' })).toHaveAttribute('aria-pressed', 'true');
  await expect(panel.getByRole('button', { name: 'Accept answer' })).toHaveAttribute('aria-pressed', 'false');
  await panel.getByLabel('Comment').fill('Internal: compare with the Ostrava offer.');
  await panel.getByRole('button', { name: 'Add comment' }).click();
  await expect(panel.getByTestId('thread')).toContainText('compare with the Ostrava offer');
  // The box is empty again, so a second click cannot post it twice.
  await expect(panel.getByLabel('Comment')).toHaveValue('');
  await panel.getByLabel('Comment').fill('Which accounts are excluded from this?');
  await panel.getByLabel('Visible to').selectOption('shared');
  await panel.getByRole('button', { name: 'Add comment' }).click();
  await expect(panel.getByTestId('thread')).toContainText('Which accounts are excluded');
  await reviewer.getByRole('button', { name: 'Send back for changes' }).click();
  await expect(reviewer.getByTestId('assessment-status')).toHaveText('Changes requested');

  // The supplier is told in the app, and sees the shared question, never the
  // internal remark, and answers.
  await helix.goto('/notifications');
  await expect(helix.locator('main')).toContainText('Changes requested');
  await expect(helix.locator('main')).toContainText('Clarification requested');
  await helix.goto(`/assessments/${assessment}`);
  await hydrated(helix);
  const hrow = helix.locator('tr[data-ref="CR 1.1"]');
  await expect(hrow.getByTestId('review')).toHaveText('Clarification requested');
  await hrow.getByRole('button', { name: 'Answer' }).click();
  const hpanel = helix.getByTestId('review-panel');
  await expect(hpanel.getByTestId('thread')).toContainText('Which accounts are excluded');
  await expect(hpanel.getByTestId('thread')).not.toContainText('Ostrava');
  const thread = await (await helix.request.post('/api/list_comments', { form: { assessment_id: assessment } })).text();
  expect(thread).not.toContain('Ostrava');
  await hpanel.getByLabel('Comment').fill('None: service accounts are personal too.');
  await hpanel.getByRole('button', { name: 'Add comment' }).click();
  await expect(hpanel.getByTestId('thread')).toContainText('service accounts are personal');
  await submitAnswers(helix);
  await expect(helix.getByTestId('assessment-status')).toHaveText('Submitted');

  // The reviewer hears of the resubmission, and decides with conditions.
  await reviewer.goto('/notifications');
  await expect(reviewer.locator('main')).toContainText('resubmitted its security questionnaire');
  await reviewer.goto(`/assessments/${assessment}`);
  await hydrated(reviewer);
  await reviewer.getByRole('button', { name: 'Start review' }).click();
  await expect(reviewer.getByTestId('assessment-status')).toHaveText('Under review');
  await reviewer.getByLabel('Decision', { exact: true }).selectOption('accept_with_conditions');
  await reviewer.getByLabel('Rationale').fill('Fits the plant; one follow-up.');
  await reviewer.getByLabel(/^Conditions/).fill(`Deliver the penetration test report | ${inDays(120)}`);
  // Answers are still open: the decision waits for an explicit "anyway".
  await reviewer.getByRole('button', { name: 'Record decision' }).click();
  await expect(reviewer.getByTestId('owner-review').locator('.field-error')).toContainText('awaiting clarification: CR 1.1');
  await expect(reviewer.getByTestId('assessment-status')).toHaveText('Under review');
  await reviewer.getByTestId('despite-open').check();
  await reviewer.getByRole('button', { name: 'Record decision' }).click();
  await expect(reviewer.getByTestId('assessment-status')).toHaveText('Accepted with conditions');
  await expect(reviewer.getByTestId('decision')).toContainText('Fits the plant');
  // The page hydrated and re-rendered without a browser warning or error
  // (the console fixture of every journey checks it).
});

test('a long questionnaire is filtered by section and status, and jumps to the next unanswered requirement', async ({ page }) => {
  await login(page, demo.helixContributor);
  await page.goto('/assessments');
  await page.getByTestId('inbox').locator('tr', { hasText: 'Embedded controller' }).getByRole('link').first().click();
  await hydrated(page);
  const count = page.getByTestId('filter-count');
  await expect(count).toHaveText(/^all \d+ shown$/);
  const rows = page.locator('table.answers tbody tr[data-ref]');
  const visible = page.locator('table.answers tbody tr[data-ref]:not(.hidden)');
  const total = await rows.count();

  // Only what is still open.
  await page.getByTestId('filter-state').selectOption('unanswered');
  await expect(count).toHaveText(new RegExp(`^\\d+ of ${total} shown$`));
  const open = await visible.count();
  expect(open).toBeGreaterThan(0);
  expect(open).toBeLessThan(total);
  for (const cell of await visible.getByTestId('compliance').allTextContents()) {
    expect(cell.trim()).toBe('Not answered');
  }
  // The jump opens the first unanswered requirement shown.
  await page.getByTestId('next-unanswered').click();
  await expect(page.locator('tr.editor-row')).toHaveCount(1);
  const first = await visible.first().getAttribute('data-ref');
  await expect(page.locator(`tr[data-ref="${first}"]`).getByRole('button', { name: 'Close' })).toBeVisible();
  // The statement box has room for a paragraph.
  const box = await page.getByTestId('answer-editor').getByLabel('Statement (how it is met)').boundingBox();
  expect(box!.height).toBeGreaterThanOrEqual(100);
  expect(box!.width).toBeGreaterThan(300);
  // Answering it keeps it in view while it is open; the next jump moves on.
  await page.getByTestId('answer-editor').getByLabel('Compliance').selectOption('planned');
  await page.getByTestId('answer-editor').getByLabel('Planned for').fill('2027-06-30');
  await expect(page.getByTestId('answer-editor').getByTestId('save-state')).toContainText('Saved');
  await expect(page.locator(`tr[data-ref="${first}"]`)).toBeVisible();
  await page.getByTestId('next-unanswered').click();
  await expect(page.locator(`tr[data-ref="${first}"]`)).toBeHidden();
  await expect(count).toHaveText(`${open - 1} of ${total} shown`);

  // One section at a time.
  await page.getByTestId('filter-state').selectOption('');
  await page.getByTestId('filter-section').selectOption({ index: 1 });
  const inSection = await visible.count();
  expect(inSection).toBeGreaterThan(0);
  expect(inSection).toBeLessThan(total);
  await expect(count).toHaveText(`${inSection} of ${total} shown`);
});
