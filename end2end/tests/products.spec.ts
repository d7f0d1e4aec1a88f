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
  // Its file, as the certification body issued it: a file that is not what
  // its name says is refused and named, the real one kept.
  await row.getByText("Add the certificate's file").click();
  await row.getByLabel('File (PDF or image, up to 10 MiB)').setInputFiles({ name: 'CSA-HX500-43-0001.pdf', mimeType: 'application/pdf', buffer: Buffer.from('MZ not a pdf') });
  await row.getByRole('button', { name: 'Upload' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'not a .pdf file' })).toBeVisible();
  await row.getByLabel('File (PDF or image, up to 10 MiB)').setInputFiles({ name: 'CSA-HX500-43-0001.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7\n% CSA-HX500-43-0001\n') });
  await row.getByRole('button', { name: 'Upload' }).click();
  await expect(row.getByTestId('certificate-file').getByRole('link', { name: 'CSA-HX500-43-0001.pdf' })).toBeVisible();

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
  // Saved by itself a moment after the typing stops; the editor stays open.
  await expect(editor.getByTestId('saved')).toHaveText('Saved');
  await expect(helix.locator('tr[data-ref="CR 1.2"]')).toContainText('Meets · level 2 · Every device authenticates with its certificate.');
  // More typing saves again, from the version just saved (no conflict).
  await editor.getByLabel('Statement').fill('Every device authenticates with its own certificate.');
  await expect(helix.locator('tr[data-ref="CR 1.2"]')).toContainText('Every device authenticates with its own certificate.');
  await expect(editor.getByRole('alert')).toHaveCount(0);
  await editor.getByRole('button', { name: 'Close' }).click();
  await expect(editor).toHaveCount(0);
  // Evidence kept with CR 3.4's answer: a link and a file.
  await helix.locator('tr[data-ref="CR 3.4"]').getByRole('button', { name: 'Edit' }).click();
  const kept = helix.getByTestId('product-evidence');
  await kept.getByLabel('Link title').fill('Firmware signing procedure');
  await kept.getByLabel('Address').fill('https://helix.example/security/signing');
  await kept.getByRole('button', { name: 'Add link' }).click();
  await expect(kept.locator('li[data-kind="link"]')).toContainText('Firmware signing procedure');
  await kept.getByLabel('File (PDF, image, text, Office, zip; up to 10 MiB)').setInputFiles({ name: 'signing-keys.txt', mimeType: 'text/plain', buffer: Buffer.from('Keys are held in the HSM; two people sign each release.') });
  await kept.getByRole('button', { name: 'Upload' }).click();
  await expect(kept.locator('li[data-kind="file"]')).toContainText('signing-keys.txt');
  await helix.getByTestId('product-answer-editor').getByRole('button', { name: 'Close' }).click();
  await expect(helix.locator('tr[data-ref="CR 3.4"]').getByTestId('library-evidence')).toContainText('signing-keys.txt');
  // CR 1.1 still holds 4.1's hardening guide, copied with the version.
  await expect(helix.locator('tr[data-ref="CR 1.1"]').getByTestId('library-evidence')).toContainText('HX-500 hardening guide HG-41.pdf');

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
  await expect(report).toContainText('From HX-500 4.2: 3 answers filled from its answer set, 1 from certificates (0 replaced an answer already given); 0 already answered kept; 1 not covered;');
  await expect(report).toContainText('files and links copied as evidence.');
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
  // The certificate the fill relied on, with the assessment and on the comparison.
  const certs = owner.getByTestId('assessment-certificates');
  await expect(certs.locator('li[data-certificate="CSA-HX500-42-0117"]')).toContainText('ISASecure CSA');
  await expect(certs.locator('li[data-certificate="CSA-HX500-42-0117"]')).toContainText('expiring');
  await owner.goto(`/engagements/${sent.engagement}/compare`);
  await hydrated(owner);
  const column = owner.getByTestId('column-certificates').first();
  await expect(column).toContainText('HX-500 4.2');
  await expect(column.locator('li[data-certificate="CSA-HX500-42-0117"]')).toContainText('valid until');
});

test('a supplier shares a product version with one asset owner, who reads it, sends a questionnaire about it, asks for an update, and loses it when revoked', async ({ browser }) => {
  const owner = await (await browser.newContext()).newPage();
  await login(owner, demo.ownerAdmin);
  await owner.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Shared with us' }).click();
  await expect(owner).toHaveURL(/\/shared$/);
  await hydrated(owner);
  const row = owner.getByTestId('shared-sets').locator('tr[data-shared="HX-500 4.2"]');
  await expect(row).toContainText('Helix Controls');
  await row.getByRole('link', { name: 'HX-500 4.2' }).click();
  await expect(owner.getByTestId('shared-title')).toHaveText('HX-500 4.2');
  await hydrated(owner);
  const shareUrl = owner.url();
  // Read-only answers, the certificate (expiring), and what changed since.
  await expect(owner.getByTestId('shared-answers').locator('tr[data-ref="CR 3.4"]')).toContainText('Firmware images are signed');
  await expect(owner.locator('tr[data-certificate="CSA-HX500-42-0117"] td[data-state="expiring"]')).toBeVisible();
  // The evidence kept with the answers, and the certificate's file, to download.
  await expect(owner.getByTestId('shared-answers').locator('tr[data-ref="CR 1.1"]')).toContainText('HX-500 hardening guide HG-41.pdf');
  const certFile = owner.locator('tr[data-certificate="CSA-HX500-42-0117"]').getByTestId('certificate-file').getByRole('link');
  await expect(certFile).toHaveText('CSA-HX500-42-0117.pdf');
  const fileUrl = (await certFile.getAttribute('href'))!;
  const got = await owner.request.get(fileUrl);
  expect(got.status()).toBe(200);
  expect(got.headers()['content-type']).toBe('application/pdf');
  await expect(owner.getByText("Add the certificate's file")).toHaveCount(0);
  const change = owner.getByTestId('share-changes').locator('tr[data-change="CR 1.2"]').last();
  await expect(change).toContainText('Partially meets · level 1');
  await expect(change).toContainText('Meets · level 2');
  await expect(owner.getByRole('button', { name: 'Edit' })).toHaveCount(0);

  // A questionnaire about this version, bound to it from the start.
  const name = `HX-500 about ${Date.now()}`;
  const eng = String(await (await owner.request.post('/api/create_engagement', { form: { name, description: '' } })).json());
  await owner.reload();
  await hydrated(owner);
  const profiles = await (await owner.request.post('/api/list_profiles')).json();
  const quick = profiles.find((p: any) => p.name === 'Remote access quick check' && p.status === 'published').id;
  const send = owner.getByTestId('send-about');
  await send.locator('summary').click();
  await send.getByLabel('Engagement').selectOption(eng);
  await send.getByLabel('Profile').selectOption(String(quick));
  await send.getByLabel('Due on').fill(inDays(30));
  await send.getByRole('button', { name: 'Send' }).click();
  await expect(owner.getByTestId('sent-about')).toBeVisible();
  // The change now names the new assessment; Northwind asks for an update.
  const asked = owner.getByTestId('share-changes').locator('tr[data-change="CR 1.2"]').last();
  await expect(asked.getByRole('link')).not.toHaveCount(0);
  await asked.getByRole('button', { name: 'Ask for an updated answer' }).click();
  await expect(owner.getByTestId('asked')).toContainText('Asked on');
  await expect(owner.getByTestId('share-changes').locator('tr[data-change="CR 1.2"]').last()).toContainText('update asked');
  await owner.getByTestId('sent-about').getByRole('link', { name: 'Open the assessment' }).click();
  await hydrated(owner);
  await expect(owner.getByTestId('assessment-product')).toHaveText('About: HX-500 4.2');

  // Helix sees who it shares with, and revokes it.
  const helix = await (await browser.newContext()).newPage();
  await login(helix, demo.helixAdmin);
  await helix.goto('/products');
  await hydrated(helix);
  await helix.getByTestId('products').getByRole('link', { name: 'HX-500' }).click();
  await hydrated(helix);
  await helix.locator('section[data-version="4.2"]').getByTestId('answer-set-link').click();
  await hydrated(helix);
  const shares = helix.getByTestId('shares');
  const northwind = shares.locator('li[data-share="Northwind Water Utility"]');
  await expect(northwind).toHaveAttribute('data-active', 'true');
  await northwind.getByRole('button', { name: 'Revoke' }).click();
  await expect(northwind).toHaveAttribute('data-active', 'false');
  await expect(northwind).toContainText('revoked');

  // Gone for Northwind at once.
  await owner.goto('/shared');
  await hydrated(owner);
  await expect(owner.getByTestId('no-shared')).toBeVisible();
  const gone = await owner.goto(shareUrl);
  expect(gone?.status()).toBe(404);
  expect((await owner.request.get(fileUrl)).status()).toBe(404);
});
