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

test('an admin registers a webhook, a change reaches it signed, and the log shows it', async ({ page, request }) => {
  // A receiving system on this machine.
  const { createServer } = await import('node:http');
  const { createHmac } = await import('node:crypto');
  const got: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;
  try {
    await login(page, demo.ownerAdmin);
    await page.goto('/members');
    await hydrated(page);
    const card = page.getByTestId('webhooks');
    // The demo's own endpoint never answers: its log says so.
    const demoHook = card.getByTestId('webhook-https://grc.northwind.example/hooks/pactline');
    await expect(demoHook.getByTestId('webhook-log')).toBeVisible();

    await card.getByLabel('Endpoint address').fill('ftp://grc.example.com/x');
    await card.getByRole('button', { name: 'Add the endpoint' }).click();
    await expect(card.getByText('Use an https address.')).toBeVisible();
    const url = `http://127.0.0.1:${port}/hook`;
    await card.getByLabel('Endpoint address').fill(url);
    await card.getByLabel('Description').fill('Ticketing');
    await card.getByRole('button', { name: 'Add the endpoint' }).click();
    const secret = (await card.getByTestId('webhook-secret').textContent())!.trim();
    expect(secret).toMatch(/^whsec_/);
    const hook = card.getByTestId(`webhook-${url}`);
    await expect(hook).toContainText('Nothing sent yet.');

    // A reviewer's script comments on an answer, shared with the supplier.
    await page.getByTestId('api-tokens').getByLabel('Name').fill('Ticket bridge');
    await page.getByTestId('api-tokens').getByLabel('Acts as').selectOption('reviewer');
    await page.getByTestId('api-tokens').getByRole('button', { name: 'Make a token' }).click();
    const token = (await page.getByTestId('api-token-secret').textContent())!.trim();
    const auth = { authorization: `Bearer ${token}` };
    const list = await (await request.get('/api/v1/assessments?limit=1', { headers: auth })).json();
    const answers = await (await request.get(`/api/v1/assessments/${list.items[0].id}/answers?limit=1`, { headers: auth })).json();
    const posted = await request.post(`/api/v1/answers/${answers.items[0].id}/comments`, {
      headers: { ...auth, 'idempotency-key': `e2e-${Date.now()}` },
      data: { visibility: 'shared', body: 'Please attach the 2026 pen-test summary.' },
    });
    expect(posted.status()).toBe(201);

    // It arrives within seconds, signed with the endpoint's secret.
    await expect.poll(() => got.length, { timeout: 15_000 }).toBeGreaterThan(0);
    const d = got[0];
    expect(JSON.parse(d.body).type).toBe('comment.shared');
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const expected = createHmac('sha256', key)
      .update(`${d.headers['webhook-id']}.${d.headers['webhook-timestamp']}.${d.body}`)
      .digest('base64');
    expect(d.headers['webhook-signature']).toBe(`v1,${expected}`);

    // The log shows it delivered; sending again delivers it once more,
    // with the same id.
    await page.reload();
    await hydrated(page);
    const row = hook.getByTestId('delivery-comment.shared');
    await expect(row).toContainText('HTTP 200');
    await expect(row).toContainText('delivered');
    await row.getByRole('button', { name: /^Send msg_/ }).click();
    await expect.poll(() => got.length, { timeout: 15_000 }).toBe(2);
    expect(got[1].headers['webhook-id']).toBe(d.headers['webhook-id']);
    await hook.getByRole('button', { name: `Remove the endpoint ${url}` }).click();
    await expect(card.getByTestId(`webhook-${url}`)).toHaveCount(0);
  } finally {
    server.close();
  }
});

test('a read-only admin token reads the audit trail, with the token each change came through', async ({ page, request }) => {
  await login(page, demo.ownerAdmin);
  await page.goto('/members');
  await hydrated(page);
  const card = page.getByTestId('api-tokens');
  await card.getByLabel('Name').fill('Auditor');
  await card.getByLabel('Acts as').selectOption('admin');
  await card.getByRole('button', { name: 'Make a token' }).click();
  await expect(card.getByText(/must be read-only/)).toBeVisible();
  await card.getByLabel(/Read only/).check();
  await card.getByRole('button', { name: 'Make a token' }).click();
  const token = (await card.getByTestId('api-token-secret').textContent())!.trim();
  const events = await request.get('/api/v1/audit-events?limit=5', { headers: { authorization: `Bearer ${token}` } });
  expect(events.status()).toBe(200);
  const body = await events.json();
  expect(body.items.length).toBe(5);
  expect(body.next).toContain('cursor=');
  const refused = await request.post('/api/v1/assessments/1/review', { headers: { authorization: `Bearer ${token}` } });
  expect(refused.status()).toBe(403);
  // The admin page names the token a change came through.
  await page.goto('/activity');
  await hydrated(page);
  await expect(page.getByTestId('activity')).toContainText('api_token.created');
});
