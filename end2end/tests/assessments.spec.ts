import { expect, test } from '@playwright/test';
import { demo, hydrated, login } from './helpers';

function inDays(n: number) {
  const d = new Date(Date.now() + n * 86400000);
  return d.toISOString().slice(0, 10);
}

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
  for (const supplier of ['Helix Controls', 'Ostrava Automation']) {
    await ownerPage.getByLabel('Supplier').selectOption({ label: supplier });
    await ownerPage.getByLabel('Profile version').selectOption({ label: 'Remote access quick check (v1)' });
    await ownerPage.getByLabel('Due date').fill(inDays(21));
    await ownerPage.getByRole('button', { name: 'Send' }).click();
    await expect(ownerPage.getByTestId('assessments').locator(`tr[data-supplier="${supplier}"]`)).toContainText('0 / 5 answered');
  }

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
  await helix.getByRole('button', { name: 'Submit answers' }).click();
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
  await helix.getByRole('button', { name: 'Submit answers' }).click();
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
