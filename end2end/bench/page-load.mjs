// What a supplier's browser goes through on the assessment page, for
// `make bench`: bytes on the wire for a cold and a warm load (counted by
// Chromium through CDP), the time until an answer can be edited with 4x CPU
// slowdown on a "fast 3G"-like link (cold and warm), and Lighthouse's
// performance score with its default mobile throttling.
//
// Usage: node bench/page-load.mjs <base URL> <page path> [<second page path>]
// with the signed-in session's cookie header in PACTLINE_BENCH_COOKIE (never
// in argv). Prints one JSON object per page on stdout.
import { chromium } from '@playwright/test';
import lighthouse from 'lighthouse';
import { createServer } from 'net';

const [base, ...paths] = process.argv.slice(2);
const cookie = process.env.PACTLINE_BENCH_COOKIE ?? '';
if (!base || paths.length === 0 || !cookie) {
  console.error('usage: PACTLINE_BENCH_COOKIE=... node bench/page-load.mjs <base> <path>...');
  process.exit(2);
}

// DevTools' "Fast 3G": 562.5 ms round trip, about 1.44 Mbit/s down and
// 675 kbit/s up (its figures, less the 10 % it takes off for overhead).
const fast3g = { offline: false, latency: 562.5, downloadThroughput: (1.6 * 1024 * 1024 * 0.9) / 8, uploadThroughput: (750 * 1024 * 0.9) / 8 };

async function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const port = await freePort();
const browser = await chromium.launch({
  executablePath: process.env.PACTLINE_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', `--remote-debugging-port=${port}`],
});
const [name, ...rest] = cookie.split(';')[0].split('=');
const context = await browser.newContext();
await context.addCookies([{ name: name.trim(), value: rest.join('='), url: base }]);

/** Loads `path` and returns the bytes that came over the network and the
 * milliseconds until an answer's editor opened (the page is usable). */
async function load(page, cdp, path, throttled) {
  let bytes = 0;
  const onFinished = (e) => { bytes += e.encodedDataLength; };
  cdp.on('Network.loadingFinished', onFinished);
  if (throttled) {
    await cdp.send('Network.emulateNetworkConditions', fast3g);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  }
  const started = Date.now();
  await page.goto(base + path, { waitUntil: 'commit' });
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached', timeout: 120_000 });
  const open = page.locator('table[data-testid="answers"] tbody tr button').first();
  await open.click();
  await page.locator('[data-testid="answer-editor"]').first().waitFor({ timeout: 60_000 });
  const usable = Date.now() - started;
  await page.waitForLoadState('networkidle');
  cdp.off('Network.loadingFinished', onFinished);
  if (throttled) {
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  }
  return { bytes, usable };
}

for (const path of paths) {
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.clearBrowserCache');
  const cold = await load(page, cdp, path, false);
  const warm = await load(page, cdp, path, false);
  await cdp.send('Network.clearBrowserCache');
  const coldSlow = await load(page, cdp, path, true);
  const warmSlow = await load(page, cdp, path, true);
  await page.close();

  const lh = await lighthouse(base + path, {
    port,
    output: 'json',
    logLevel: 'error',
    onlyCategories: ['performance'],
    extraHeaders: { Cookie: cookie },
  });
  const audits = lh.lhr.audits;
  const metric = (id) => Math.round(audits[id]?.numericValue ?? -1);
  console.log(JSON.stringify({
    path,
    cold_bytes: cold.bytes,
    warm_bytes: warm.bytes,
    usable_cold_ms: coldSlow.usable,
    usable_warm_ms: warmSlow.usable,
    lighthouse: Math.round((lh.lhr.categories.performance.score ?? 0) * 100),
    fcp_ms: metric('first-contentful-paint'),
    lcp_ms: metric('largest-contentful-paint'),
    tbt_ms: metric('total-blocking-time'),
    console_errors: errors,
  }));
}
await browser.close();
