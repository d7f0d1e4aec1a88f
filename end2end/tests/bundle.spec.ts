import { createHash } from 'crypto';
import { CDPSession, Page } from '@playwright/test';
import { demo, hydrated, login, expect, test } from './helpers';

/** What the browser fetched over the network while `load` ran, by URL:
 * bytes on the wire (headers and body, as Chromium counts them), whether
 * the answer came from the browser's cache, and its headers. */
async function onTheWire(page: Page, load: () => Promise<void>, cold = false) {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  if (cold) await cdp.send('Network.clearBrowserCache');
  const seen = new Map<string, { url: string; bytes: number; cached: boolean; headers: Record<string, string> }>();
  cdp.on('Network.responseReceived', (e) => {
    seen.set(e.requestId, {
      url: e.response.url,
      bytes: 0,
      cached: !!(e.response.fromDiskCache || (e.response as any).fromMemoryCache || e.response.fromPrefetchCache || e.response.fromServiceWorker),
      headers: Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), String(v)])),
    });
  });
  cdp.on('Network.requestServedFromCache', (e) => {
    const r = seen.get(e.requestId);
    if (r) r.cached = true;
    else seen.set(e.requestId, { url: '', bytes: 0, cached: true, headers: {} });
  });
  cdp.on('Network.loadingFinished', (e) => {
    const r = seen.get(e.requestId);
    if (r) r.bytes = e.encodedDataLength;
  });
  await load();
  await hydrated(page);
  await cdp.detach();
  return [...seen.values()];
}

test('the bundle has content-hashed names, is kept for good, and a warm visit fetches none of it', async ({ page, request }) => {
  await login(page, demo.helixContributor);
  await page.goto('/assessments');
  await hydrated(page);
  const link = page.locator('main a[href^="/assessments/"]').first();
  const target = (await link.getAttribute('href'))!;

  // Cold: with the browser's cache emptied, the bundle comes once.
  const cold = await onTheWire(page, async () => {
    await page.goto(target);
  }, true);
  const bundle = cold.filter((r) => new URL(r.url || 'http://x/').pathname.startsWith('/pkg/'));
  const names = bundle.map((r) => new URL(r.url).pathname);
  for (const kind of ['css', 'js', 'wasm']) {
    expect(names.some((n) => new RegExp(`^/pkg/pactline\\.[A-Za-z0-9_-]{22}\\.${kind}$`).test(n)), `${kind} in ${names}`).toBe(true);
  }
  for (const r of bundle) {
    if (r.cached) continue;
    expect(r.headers['cache-control'], r.url).toBe('public, max-age=31536000, immutable');
    expect(r.headers['vary'] ?? '', r.url).toContain('accept-encoding');
  }
  // A name is its content's digest (MD5, base64url): changed content,
  // changed name, so keeping a file for a year is safe.
  const cssPath = names.find((n) => n.endsWith('.css'))!;
  const css = await request.get(cssPath, { headers: { 'accept-encoding': 'identity' } });
  const digest = createHash('md5').update(await css.body()).digest('base64url');
  expect(cssPath).toBe(`/pkg/pactline.${digest}.css`);
  const coldBytes = bundle.reduce((n, r) => n + r.bytes, 0);
  expect(coldBytes).toBeGreaterThan(0);

  // Warm: another page and the same page again load nothing of the
  // bundle from the network; the page itself is never kept.
  for (const path of ['/assessments', target]) {
    const warm = await onTheWire(page, async () => {
      await page.goto(path);
    });
    // Served from the browser's cache: no bytes came over the network.
    const fetched = warm.filter((r) => r.url && new URL(r.url).pathname.startsWith('/pkg/') && r.bytes > 0 && !r.cached);
    expect(fetched.map((r) => `${r.url} ${r.bytes} ${JSON.stringify(r.headers)}`), path).toEqual([]);
    const doc = warm.find((r) => r.url && new URL(r.url).pathname === path)!;
    expect(doc.headers['cache-control']).toBe('no-store');
  }
  await expect(page.locator('h1')).toBeVisible();
});
