import { demo, hydrated, login, expect, test } from './helpers';

test('a reviewer compares the suppliers side by side, filters, downloads and prints the matrix; a supplier cannot reach it', async ({ browser }) => {
  const reviewer = await (await browser.newContext()).newPage();
  await login(reviewer, demo.ownerReviewer);
  await reviewer.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Engagements' }).click();
  await reviewer.getByRole('link', { name: 'SCADA upgrade 2027' }).click();
  await reviewer.getByTestId('compare-link').click();
  await expect(reviewer).toHaveURL(/\/engagements\/\d+\/compare$/);
  await hydrated(reviewer);
  const matrix = reviewer.getByTestId('comparison');
  await expect(matrix.locator('thead')).toContainText('Helix Controls');
  await expect(matrix.locator('thead')).toContainText('Ostrava Automation');
  // Helix claims a compensating countermeasure where Ostrava does not meet the requirement.
  const parting = matrix.locator('tbody tr.differs').first();
  await expect(parting).toBeVisible();
  const rows = matrix.locator('tbody tr');
  const total = await rows.count();
  await expect(reviewer.getByTestId('comparison-count')).toHaveText(`${total} of ${total} requirements shown`);

  // Filtering runs in the browser: no request.
  let requests = 0;
  reviewer.on('request', () => { requests += 1; });
  await reviewer.getByTestId('comparison-filter').getByLabel(/^Differences/).check();
  const differing = await matrix.locator('tbody tr.differs').count();
  expect(differing).toBeGreaterThan(0);
  expect(differing).toBeLessThan(total);
  await expect(reviewer.getByTestId('comparison-count')).toHaveText(`${differing} of ${total} requirements shown`);
  await expect(matrix.locator('tbody tr:visible')).toHaveCount(differing);
  await reviewer.getByTestId('comparison-filter').getByLabel(/^Gaps/).check();
  const gaps = await matrix.locator('tbody tr.gap').count();
  await expect(matrix.locator('tbody tr:visible')).toHaveCount(gaps);
  await reviewer.getByTestId('comparison-filter').getByLabel(/^All requirements/).check();
  await expect(matrix.locator('tbody tr:visible')).toHaveCount(total);
  expect(requests).toBe(0);

  // The matrix as a workbook.
  const [download] = await Promise.all([
    reviewer.waitForEvent('download'),
    reviewer.getByTestId('comparison-xlsx').click(),
  ]);
  const ExcelJS = require('exceljs');
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(await download.path());
  const sheet = book.getWorksheet('Matrix');
  const header = (sheet.getRow(1).values as any[]).filter(Boolean).map(String);
  expect(header).toContain('Ostrava Automation');
  expect(sheet.rowCount).toBe(total + 1);
  expect(book.getWorksheet('Suppliers').rowCount).toBeGreaterThanOrEqual(3);

  // Printing leaves navigation and controls out.
  await reviewer.emulateMedia({ media: 'print' });
  await expect(reviewer.locator('.topbar')).toBeHidden();
  await expect(reviewer.getByTestId('comparison-filter')).toBeHidden();
  await expect(matrix).toBeVisible();
  await reviewer.emulateMedia({ media: 'screen' });

  // A supplier gets nothing: not the page, not the workbook, not the data.
  const helix = await (await browser.newContext()).newPage();
  await login(helix, demo.helixContributor);
  const url = new URL(reviewer.url());
  const page = await helix.goto(url.pathname);
  expect(page?.status()).toBe(404);
  await expect(helix.locator('body')).not.toContainText('Ostrava');
  const xlsx = await helix.request.get(url.pathname.replace(/compare$/, 'export/xlsx'));
  expect(xlsx.status()).toBe(404);
  const id = url.pathname.split('/')[2];
  const api = await helix.request.post('/api/compare_suppliers', { form: { engagement_id: id } });
  expect(api.status()).toBe(404);
});

test('an assessor reads the engagement and writes an internal comment the supplier never sees', async ({ browser }) => {
  const assessor = await (await browser.newContext()).newPage();
  await login(assessor, demo.certaAssessor);
  await assessor.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Engagements' }).click();
  const row = assessor.getByTestId('engagements').locator('tr', { hasText: 'SCADA upgrade 2027' });
  await expect(row.getByTestId('assessing-for')).toHaveText('assessor for Northwind Water Utility');
  await row.getByRole('link', { name: 'SCADA upgrade 2027' }).click();
  await hydrated(assessor);
  // No sending, no inviting: reading only.
  await expect(assessor.getByRole('heading', { name: 'Send a questionnaire' })).toHaveCount(0);
  await expect(assessor.getByRole('heading', { name: 'Invite an assessor' })).toHaveCount(0);
  await assessor.getByTestId('assessments').locator('tr[data-supplier="Helix Controls"]').first().getByRole('link').click();
  await hydrated(assessor);
  await expect(assessor.getByTestId('gap')).toBeVisible();
  await expect(assessor.getByRole('button', { name: 'Submit answers' })).toHaveCount(0);
  const answer = assessor.locator('tr[data-ref="CR 1.1"]');
  await answer.getByRole('button', { name: 'Details' }).click();
  const panel = assessor.getByTestId('review-panel');
  await expect(panel.getByRole('button', { name: 'Accept answer' })).toHaveCount(0);
  const remark = `Assessor remark ${Date.now()}: check the account inventory.`;
  await panel.getByLabel('Comment').fill(remark);
  await panel.getByRole('button', { name: 'Add comment' }).click();
  await expect(panel.getByTestId('thread')).toContainText(remark);
  await expect(panel.getByTestId('thread').locator('li', { hasText: remark })).toContainText('internal');

  // The owner's reviewer reads it; the supplier never does.
  const id = new URL(assessor.url()).pathname.split('/')[2];
  const reviewer = await (await browser.newContext()).newPage();
  await login(reviewer, demo.ownerReviewer);
  const all = await (await reviewer.request.post('/api/list_comments', { form: { assessment_id: id } })).text();
  expect(all).toContain(remark);
  const helix = await (await browser.newContext()).newPage();
  await login(helix, demo.helixContributor);
  const shared = await (await helix.request.post('/api/list_comments', { form: { assessment_id: id } })).text();
  expect(shared).not.toContain(remark);
  expect(shared).not.toContain('Certa');
  await helix.goto(`/assessments/${id}`);
  await hydrated(helix);
  await expect(helix.locator('body')).not.toContainText('Certa');
});
