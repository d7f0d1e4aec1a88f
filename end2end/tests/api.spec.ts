import { demo, hydrated, login, expect, test } from './helpers';

test('an admin makes an API token, a script reads assessments with it, and the admin revokes it', async ({ page, request }) => {
  await login(page, demo.ownerAdmin);
  await page.goto('/members');
  await hydrated(page);
  const card = page.getByTestId('api-tokens');
  // What to fix, when the form is wrong.
  await card.getByLabel('Name').fill('Procurement reports');
  await card.getByLabel('Expires after (days)').fill('400');
  await card.getByRole('button', { name: 'Make a token' }).click();
  await expect(card.getByText('A token lives 1 to 365 days.')).toBeVisible();

  await card.getByLabel('Expires after (days)').fill('30');
  await card.getByLabel('Acts as').selectOption('reviewer');
  await card.getByLabel(/Read only/).check();
  await card.getByRole('button', { name: 'Make a token' }).click();
  const secret = (await card.getByTestId('api-token-secret').textContent())!.trim();
  expect(secret).toMatch(/^plt_[A-Za-z0-9_-]{43}$/);
  const row = card.getByTestId('api-token-Procurement reports');
  await expect(row).toContainText('Reviewer (read only)');
  await expect(row).toContainText('never');
  await expect(row).toContainText(secret.slice(0, 12));

  // A script uses it.
  const list = await request.get('/api/v1/assessments?limit=200', { headers: { authorization: `Bearer ${secret}` } });
  expect(list.status()).toBe(200);
  const body = await list.json();
  expect(body.items.length).toBeGreaterThan(0);
  const answers = await request.get(`/api/v1/assessments/${body.items[0].id}/answers`, { headers: { authorization: `Bearer ${secret}` } });
  expect(answers.status()).toBe(200);
  expect((await answers.json()).items.length).toBeGreaterThan(0);

  // The admin sees it was used, then revokes it: the next call is refused.
  await page.reload();
  await hydrated(page);
  await expect(row).not.toContainText('never');
  await row.getByRole('button', { name: 'Revoke the token Procurement reports' }).click();
  await expect(row).toContainText('revoked');
  const refused = await request.get('/api/v1/assessments', { headers: { authorization: `Bearer ${secret}` } });
  expect(refused.status()).toBe(401);
  expect(refused.headers()['content-type']).toBe('application/problem+json');

  // The documentation, served by Pactline itself.
  await card.getByRole('link', { name: 'REST API' }).click();
  await expect(page.getByRole('heading', { name: 'Pactline API' })).toBeVisible();
  await expect(page.getByText('GET /api/v1/assessments/{id}/answers')).toBeVisible();
});
