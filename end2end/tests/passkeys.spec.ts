import { demo, hydrated, login, expect, test } from './helpers';
import type { Page } from '@playwright/test';

// Chromium's own WebAuthn implementation with a virtual authenticator (a
// platform authenticator that keeps discoverable credentials and verifies
// its user), attached to the tab through the DevTools protocol.
async function virtualAuthenticator(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}

const who = demo.ostravaContributor;

test('a user adds a passkey, names it, signs in with it alone and as the second step, and removes it', async ({ page }) => {
  const { cdp, authenticatorId } = await virtualAuthenticator(page);
  await login(page, who);
  await page.goto('/account');
  await hydrated(page);
  const card = page.getByTestId('passkeys');
  await expect(card.getByTestId('no-passkeys')).toBeVisible();
  // A name is asked for first.
  await card.getByRole('button', { name: 'Add a passkey' }).click();
  await expect(card.getByRole('status').filter({ hasText: 'Give the passkey a name' })).toBeVisible();
  await card.getByLabel('Name of the new passkey').fill('Test laptop');
  await card.getByRole('button', { name: 'Add a passkey' }).click();
  await expect(card.locator('tr[data-passkey-row="Test laptop"]')).toBeVisible();
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  expect(credentials).toHaveLength(1);
  expect(credentials[0].isResidentCredential).toBe(true);

  // Renamed with a plain form.
  await hydrated(page);
  await card.getByLabel('New name for Test laptop').fill('Work laptop');
  await card.getByRole('button', { name: 'Rename' }).click();
  await expect(card.locator('tr[data-passkey-row="Work laptop"]')).toBeVisible();

  // Signing in with the passkey alone: no address, no password.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login/);
  await hydrated(page);
  await page.getByRole('button', { name: 'Use a passkey' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Welcome, ${who.name}`);
  await page.goto('/account');
  await expect(page.getByTestId('passkeys').locator('tr[data-passkey-row="Work laptop"]')).not.toContainText('never');

  // With a password, the passkey is the second step.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('E-mail address').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/login\/code$/);
  await hydrated(page);
  await page.getByRole('button', { name: 'Use a passkey' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Welcome, ${who.name}`);

  // Removed: the password alone signs in again, and the passkey no longer does.
  await page.goto('/account');
  await hydrated(page);
  await page.getByTestId('passkeys').getByRole('button', { name: 'Remove' }).click();
  await expect(page.getByTestId('passkeys').getByTestId('no-passkeys')).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await hydrated(page);
  await page.getByRole('button', { name: 'Use a passkey' }).click();
  await expect(page.locator('#passkey-status')).toHaveText(/did not sign you in/);
  await login(page, who);
});
