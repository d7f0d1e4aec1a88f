import { Browser, expect, Page, test as base } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

export { expect };

/** Serious and critical accessibility violations found during the current
 * test (axe-core, WCAG 2.1 A and AA rules), checked on every page a journey
 * waits for; pages already checked in this run are not checked again. */
let a11yProblems: string[] = [];
const a11yChecked = new Set<string>();

/** Runs axe-core on the page as it is now. */
export async function checkAccessibility(page: Page) {
  const url = new URL(page.url());
  const key = `${url.pathname}${url.search}`;
  if (a11yChecked.has(key)) return;
  a11yChecked.add(key);
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  for (const v of results.violations) {
    if (v.impact === 'serious' || v.impact === 'critical') {
      const where = v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ');
      a11yProblems.push(`${v.id} (${v.impact}) on ${key}: ${v.help} at ${where}`);
    }
  }
}

/** Console lines a journey may not produce: every warning and error, but
 * the browser's own note on a response the test asked to be refused. */
function watch(page: Page, problems: string[]) {
  page.on('console', (m) => {
    const kind = m.type();
    if ((kind === 'warning' || kind === 'error') && !m.text().startsWith('Failed to load resource')) {
      problems.push(`${kind} on ${page.url()}: ${m.text()}`);
    }
  });
  page.on('pageerror', (e) => problems.push(`uncaught on ${page.url()}: ${e.message}`));
}

/** Playwright's `test`, where every page of the journey (other browser
 * contexts included) fails it on a console warning or error. */
export const test = base.extend<{ consoleClean: void }>({
  consoleClean: [
    async ({ page, browser }, use) => {
      const problems: string[] = [];
      a11yProblems = [];
      watch(page, problems);
      page.context().on('page', (p) => watch(p, problems));
      const b = browser as Browser & { newContext: Browser['newContext']; newPage: Browser['newPage'] };
      const newContext = b.newContext.bind(b);
      const newPage = b.newPage.bind(b);
      b.newContext = async (options) => {
        const c = await newContext(options);
        c.on('page', (p) => watch(p, problems));
        return c;
      };
      b.newPage = async (options) => {
        const p = await newPage(options);
        watch(p, problems);
        return p;
      };
      await use();
      b.newContext = newContext;
      b.newPage = newPage;
      expect(problems, 'the browser console stayed clean').toEqual([]);
      // Which pages axe-core has looked at so far in this run, for the record.
      require('fs').mkdirSync('test-results', { recursive: true });
      require('fs').writeFileSync('test-results/axe-pages.json', JSON.stringify([...a11yChecked].sort(), null, 1));
      expect(a11yProblems, 'no serious or critical accessibility violation (axe-core)').toEqual([]);
    },
    { auto: true },
  ],
});

/** Demo accounts seeded on first start (see app/src/server/demo.rs). */
export const demo = {
  ownerAdmin: { email: 'olivia.admin@northwind.example', password: 'reservoir-lantern-42', name: 'Olivia Brandt', org: 'Northwind Water Utility', role: 'Admin' },
  ownerReviewer: { email: 'rahul.reviewer@northwind.example', password: 'reservoir-compass-17', name: 'Rahul Mehta', org: 'Northwind Water Utility', role: 'Reviewer' },
  ownerContributor: { email: 'carla.contributor@northwind.example', password: 'reservoir-meadow-93', name: 'Carla Jensen', org: 'Northwind Water Utility', role: 'Contributor' },
  helixAdmin: { email: 'hana.admin@helix.example', password: 'helix-copper-orbit-58', name: 'Hana Novak', org: 'Helix Controls', role: 'Admin' },
  helixContributor: { email: 'hugo.contributor@helix.example', password: 'helix-velvet-canyon-24', name: 'Hugo Lind', org: 'Helix Controls', role: 'Contributor' },
  ostravaAdmin: { email: 'olga.admin@ostrava.example', password: 'ostrava-granite-tulip-61', name: 'Olga Dvorak', org: 'Ostrava Automation', role: 'Admin' },
  ostravaContributor: { email: 'otto.contributor@ostrava.example', password: 'ostrava-harbor-pepper-35', name: 'Otto Maier', org: 'Ostrava Automation', role: 'Contributor' },
  deltaAdmin: { email: 'dana.admin@delta.example', password: 'delta-saffron-bridge-77', name: 'Dana Okafor', org: 'Delta Integration Services', role: 'Admin' },
  deltaContributor: { email: 'dev.contributor@delta.example', password: 'delta-marble-falcon-19', name: 'Dev Sharma', org: 'Delta Integration Services', role: 'Contributor' },
  certaAssessor: { email: 'ada.assessor@certa.example', password: 'certa-lagoon-ember-46', name: 'Ada Lindqvist', org: 'Certa Assessment Services', role: 'Admin' },
};
export type Account = (typeof demo)[keyof typeof demo];

/** Waits until the page is hydrated, so forms run as the app, not as plain posts. */
export async function hydrated(page: Page) {
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
  await checkAccessibility(page);
}

export async function login(page: Page, who: { email: string; password: string }) {
  await page.goto('/login');
  await checkAccessibility(page);
  await page.getByLabel('E-mail address').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/$/);
  await hydrated(page);
}

/** Submits the assessment on the page: the button, then the confirmation step. */
export async function submitAnswers(page: Page) {
  await page.getByTestId('submit-step').locator('summary').click();
  await page.getByRole('button', { name: 'Yes, submit answers' }).click();
}

/** Publishes the profile on the page: the button, then the confirmation step. */
export async function publishProfile(page: Page, version: number) {
  await page.getByTestId('publish-step').locator('summary').click();
  await page.getByRole('button', { name: `Yes, publish version ${version}` }).click();
}

/** A date `n` days from today, as a date field takes it. */
export function inDays(n: number) {
  const d = new Date(Date.now() + n * 86400000);
  return d.toISOString().slice(0, 10);
}

/** Through the owner's signed-in session: a new engagement named `name`,
 * with the demo's "Remote access quick check" sent to Helix, due in
 * `dueInDays`. Returns the engagement's and the assessment's ids. */
export async function sendQuickCheckToHelix(owner: Page, name: string, dueInDays: number) {
  const eng = String(await (await owner.request.post('/api/create_engagement', { form: { name, description: '' } })).json());
  const suppliers = await (await owner.request.post('/api/list_suppliers')).json();
  const helixOrg = suppliers.find((s: any) => s.name === 'Helix Controls').org_id;
  const profiles = await (await owner.request.post('/api/list_profiles')).json();
  const quick = profiles.find((p: any) => p.name === 'Remote access quick check' && p.status === 'published').id;
  const sent = await owner.request.post('/api/send_assessment', { form: { engagement_id: eng, supplier_org_id: String(helixOrg), profile_id: String(quick), due_on: inDays(dueInDays), message: '' } });
  expect(sent.status()).toBe(200);
  return { engagement: eng, assessment: String(await sent.json()) };
}

/** Through the supplier's signed-in session: each answer saved as met at
 * level 2, with a statement and the responsibility accepted. */
export async function answerMet(supplier: Page, answers: any[]) {
  for (const a of answers) {
    const r = await supplier.request.post('/api/save_answer', {
      form: { answer_id: String(a.id), version: String(a.version), 'answer[compliance]': 'meets', 'answer[claimed_level]': '2', 'answer[planned_on]': '', 'answer[countermeasure]': '', 'answer[na_reason]': '', 'answer[other_party]': '', 'answer[statement]': 'Done', 'answer[responsibility_accepted]': 'yes' },
    });
    expect(r.status()).toBe(200);
  }
}

/** The code an authenticator app shows for a base32 `secret` (RFC 6238:
 * SHA-1, six digits, 30-second steps), and its time step. */
export function totp(secret: string, at = Date.now()) {
  const { createHmac } = require('crypto');
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of secret.replace(/[\s=]/g, '').toUpperCase()) {
    bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  }
  const key = Buffer.from((bits.match(/.{8}/g) ?? []).map((b) => parseInt(b, 2)));
  const step = Math.floor(at / 30000);
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const h: Buffer = createHmac('sha1', key).update(counter).digest();
  const off = h[h.length - 1] & 0xf;
  const n = ((h[off] & 0x7f) << 24) | (h[off + 1] << 16) | (h[off + 2] << 8) | h[off + 3];
  return { code: String(n % 1_000_000).padStart(6, '0'), step };
}

/** A code of a time step after `used` (a code works once), waiting for it. */
export async function freshTotp(secret: string, used: number) {
  for (;;) {
    const t = totp(secret);
    if (t.step > used) return t;
    await new Promise((r) => setTimeout(r, 500));
  }
}
