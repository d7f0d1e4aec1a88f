import { Locator, Page } from '@playwright/test';
import { answerMet, demo, hydrated, login, sendQuickCheckToHelix, expect, test } from './helpers';

/** Presses Tab until `target` has the keyboard focus (at most `max` times),
 * and checks that the focus can be seen there. */
async function tabTo(page: Page, target: Locator, max = 300) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) {
      const ring = await target.evaluate((el) => {
        const s = getComputedStyle(el);
        return { style: s.outlineStyle, width: parseFloat(s.outlineWidth), shadow: s.boxShadow };
      });
      expect(ring.style !== 'none' && ring.width > 0 || ring.shadow !== 'none', `a visible focus on ${await target.evaluate((el) => el.outerHTML.slice(0, 80))}`).toBeTruthy();
      return;
    }
  }
  throw new Error(`Tab never reached ${target}`);
}

test('a supplier answers one requirement and submits with the keyboard alone', async ({ browser }) => {
  // Set-up through the API: a questionnaire with four of five answers given.
  const owner = await (await browser.newContext()).newPage();
  await login(owner, demo.ownerAdmin);
  const { assessment } = await sendQuickCheckToHelix(owner, `Keyboard tender ${Date.now()}`, 30);
  const page = await (await browser.newContext()).newPage();
  await login(page, demo.helixContributor);
  const data = await (await page.request.post('/api/get_assessment', { form: { assessment_id: assessment } })).json();
  const last = data.answers[data.answers.length - 1];
  await answerMet(page, data.answers.slice(0, -1));
  await page.request.post('/api/add_evidence_link', { form: { answer_id: String(data.answers[0].id), title: 'Policy', url: 'https://helix.example/p' } });

  // From here on, only the keyboard.
  await page.goto(`/assessments/${assessment}`);
  await hydrated(page);
  const row = page.locator(`tr[data-ref="${last.requirement.ref_id}"]`);
  const open = row.getByRole('button', { name: 'Answer' });
  await tabTo(page, open);
  await page.keyboard.press('Enter');
  const editor = page.getByTestId('answer-editor');
  const compliance = editor.getByLabel('Compliance');
  await tabTo(page, compliance);
  // Type-ahead on a closed select picks the first option starting so.
  await page.keyboard.type('Meets');
  await expect(compliance).toHaveValue('meets');
  await expect(editor.getByTestId('save-state')).toHaveText('Saved (version 1).');
  const level = editor.getByLabel('Capability security level (SL-C)');
  await tabTo(page, level);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect(level).toHaveValue('2');
  const statement = editor.getByLabel('Statement (how it is met)');
  await tabTo(page, statement);
  await page.keyboard.type('Audit records go to the plant historian and a syslog server.');
  await expect(editor.getByTestId('save-state')).toHaveText(/Saved \(version \d+\)\./);
  await expect(row.getByTestId('compliance')).not.toBeEmpty();

  const step = page.getByTestId('submit-step').locator('summary');
  await tabTo(page, step);
  await page.keyboard.press('Enter');
  const yes = page.getByRole('button', { name: 'Yes, submit answers' });
  await expect(yes).toBeVisible();
  await tabTo(page, yes);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('assessment-status')).toHaveText('Submitted');
  await expect(page.getByTestId('submitted')).toBeVisible();
});
