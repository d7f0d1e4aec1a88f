import { demo, hydrated, login, expect, test } from './helpers';

// A real OpenID provider (oidc-provider, started by playwright.config.ts)
// with a client registered for this server.
const issuer = process.env.PACTLINE_E2E_OIDC_ISSUER!;
const secret = process.env.PACTLINE_E2E_OIDC_SECRET!;
const domain = 'sso.northwind.example';

test('an admin sets up single sign-on, and a colleague signs in through the identity provider without JavaScript', async ({ page, browser }) => {
  await login(page, demo.ownerAdmin);
  await page.goto('/members');
  await hydrated(page);
  const card = page.getByTestId('sso');
  // A wrong issuer is refused by name, and nothing is saved.
  await card.getByLabel('Issuer URL').fill('https://idp.invalid');
  await card.getByLabel('Client id').fill('pactline-e2e');
  await card.getByLabel('Client secret').fill(secret);
  await card.getByLabel('E-mail domains').fill(domain);
  await card.getByRole('button', { name: 'Save single sign-on' }).click();
  await expect(card.getByText(/could not read the provider's discovery document/).first()).toBeVisible();
  await expect(card.getByTestId('sso-status')).toHaveCount(0);

  await card.getByLabel('Issuer URL').fill(issuer);
  await card.getByLabel(/may join as viewers/).check();
  await card.getByRole('button', { name: 'Save single sign-on' }).click();
  await expect(card.getByTestId('sso-status')).toContainText(domain);
  await expect(card.getByTestId('sso-status')).toContainText('/auth/sso/callback');
  // The secret is never shown again.
  await expect(card.getByLabel('Client secret')).toHaveValue('');
  await expect(card).toContainText('A secret is saved');

  // A colleague with no account yet, in a browser without JavaScript.
  const context = await browser.newContext({ baseURL: test.info().project.use.baseURL, javaScriptEnabled: false });
  const colleague = await context.newPage();
  await colleague.goto('/login');
  await colleague.getByLabel('Address for single sign-on').fill(`field.engineer@${domain}`);
  await colleague.getByRole('button', { name: 'Continue to single sign-on' }).click();
  // The identity provider's own sign-in page.
  await expect(colleague).toHaveURL(new RegExp(`^${issuer.replace(/\./g, '\\.')}/interaction/`));
  await colleague.locator('input[name=login]').fill(`field.engineer@${domain}`);
  await colleague.locator('input[name=password]').fill('the provider checks this, not Pactline');
  await colleague.locator('button[type=submit]').click();
  await expect(colleague.getByRole('heading', { level: 1 })).toHaveText('Welcome, field engineer');
  await expect(colleague.getByTestId('org-name')).toHaveText(demo.ownerAdmin.org);
  await expect(colleague.getByTestId('my-role')).toHaveText('Viewer');
  await context.close();

  // The admin sees the new member, and the audit trail says how they came.
  await page.goto('/members');
  await expect(page.getByTestId(`member-field.engineer@${domain}`)).toBeVisible();

  // An address no provider owns is told so.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('Address for single sign-on').fill('someone@nowhere.example');
  await page.getByRole('button', { name: 'Continue to single sign-on' }).click();
  await expect(page.getByRole('alert')).toHaveText(/No organization signs that address in through single sign-on/);

  // Turned off again, so that the other journeys see the demo as it was.
  await login(page, demo.ownerAdmin);
  await page.goto('/members');
  await hydrated(page);
  await page.getByTestId('sso').getByRole('button', { name: 'Turn single sign-on off' }).click();
  await expect(page.getByTestId('sso').getByTestId('sso-status')).toHaveCount(0);
});
