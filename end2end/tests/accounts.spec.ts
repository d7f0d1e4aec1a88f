import { checkAccessibility, demo, freshTotp, hydrated, login, totp, expect, test } from './helpers';

test.describe('signing in', () => {
  for (const [key, who] of Object.entries(demo)) {
    test(`${key} signs in and sees their organization and role`, async ({ page }) => {
      await login(page, who);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Welcome, ${who.name}`);
      await expect(page.getByTestId('org-name')).toHaveText(who.org);
      await expect(page.getByTestId('my-role')).toHaveText(who.role);
      const nav = page.getByRole('navigation', { name: 'Main' });
      await expect(nav.getByRole('link', { name: 'Members' })).toBeVisible();
      // Admin pages appear only for admins; the supplier list only for asset owners.
      await expect(nav.getByRole('link', { name: 'Activity' })).toHaveCount(who.role === 'Admin' ? 1 : 0);
      await expect(nav.getByRole('link', { name: 'Suppliers' })).toHaveCount(who.org === demo.ownerAdmin.org ? 1 : 0);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await expect(page.getByRole('alert')).toHaveText('You are signed out.');
      await page.goto('/members');
      await expect(page).toHaveURL(/\/login$/);
    });
  }

  test('a wrong password is refused with a message', async ({ page }) => {
    await page.goto('/login');
    await page.getByLabel('E-mail address').fill(demo.ownerAdmin.email);
    await page.getByLabel('Password').fill('this is not it at all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert')).toHaveText('The e-mail address or password is not right.');
  });
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });
  test('the sign-in form works and pages render on the server', async ({ page }) => {
    await page.goto('/login');
    await page.getByLabel('E-mail address').fill(demo.helixAdmin.email);
    await page.getByLabel('Password').fill(demo.helixAdmin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Welcome, ${demo.helixAdmin.name}`);
    await page.goto('/members');
    await expect(page.getByTestId(`member-${demo.helixContributor.email}`)).toBeVisible();
    // The admin sees how much of the evidence quota the demo's files use.
    await expect(page.getByTestId('storage')).toContainText(/Evidence storage: \d+ KiB of 2048\.0 MiB/);
  });
});

test('an admin invites a colleague, who accepts and joins', async ({ page, browser }) => {
  await login(page, demo.ownerAdmin);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Members' }).click();
  await hydrated(page);
  const email = `new.engineer.${Date.now()}@northwind.example`;
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Role', { exact: true }).selectOption('reviewer');
  await page.getByRole('button', { name: 'Send invitation' }).click();
  const link = await page.getByTestId('invitation-link').textContent();
  expect(link).toContain('/invite/');
  await expect(page.getByTestId('invitations')).toContainText(email);

  // The invitee, in a browser of their own.
  const invitee = await browser.newContext();
  const p2 = await invitee.newPage();
  await p2.goto(new URL(link!).pathname);
  await hydrated(p2);
  await expect(p2.getByRole('heading', { level: 1 })).toHaveText(`Join ${demo.ownerAdmin.org}`);
  await expect(p2.getByTestId('invite-email')).toHaveText(email);
  await p2.getByLabel('Your name').fill('Nora Engineer');
  await p2.getByLabel('Password', { exact: true }).fill('password1234');
  await p2.getByRole('button', { name: 'Accept and continue' }).click();
  await expect(p2.locator('.field-error')).toContainText('too common');
  // The message is announced, and tied to its field.
  const password = p2.getByLabel('Password', { exact: true });
  await expect(p2.locator('.field-error')).toHaveAttribute('aria-live', 'polite');
  await expect(password).toHaveAttribute('aria-invalid', 'true');
  const errorId = await p2.locator('.field-error').getAttribute('id');
  expect(errorId).toBeTruthy();
  expect((await password.getAttribute('aria-describedby'))?.split(' ')).toContain(errorId);
  await p2.getByLabel('Password', { exact: true }).fill('pelican-sonnet-gravel-73');
  await p2.getByRole('button', { name: 'Accept and continue' }).click();
  await expect(p2.getByRole('heading', { level: 1 })).toHaveText('Welcome, Nora Engineer');
  await expect(p2.getByTestId('my-role')).toHaveText('Reviewer');
  await invitee.close();

  await page.reload();
  await expect(page.getByTestId(`member-${email}`)).toContainText('Nora Engineer');
});

test('an asset owner invites a supplier, whose admin accepts for a new organization', async ({ page, browser }) => {
  await login(page, demo.ownerAdmin);
  await page.goto('/suppliers');
  await hydrated(page);
  const stamp = Date.now();
  const name = `Fjord Robotics ${stamp}`;
  const email = `ciso.${stamp}@fjord.example`;
  await page.getByLabel('Organization name').fill(name);
  await page.getByLabel('Kind').selectOption('product_supplier');
  await page.getByLabel('E-mail of the person who accepts').fill(email);
  await page.getByRole('button', { name: 'Invite supplier' }).click();
  const link = await page.getByTestId('invitation-link').textContent();
  expect(link).toContain('/partner/');
  const row = page.getByTestId('partner-invitations').locator(`tr[data-email="${email}"]`);
  await expect(row).toContainText('Pending');
  // The form is empty again for the next supplier.
  await expect(page.getByLabel('E-mail of the person who accepts')).toHaveValue('');
  // Nothing is linked before the supplier accepts.
  await expect(page.getByTestId('suppliers')).not.toContainText(name);

  const supplier = await browser.newContext();
  const p2 = await supplier.newPage();
  await p2.goto(new URL(link!).pathname);
  await hydrated(p2);
  await expect(p2.getByRole('heading', { level: 1 })).toHaveText(`${demo.ownerAdmin.org} invites you`);
  await expect(p2.getByTestId('partner-email')).toHaveText(email);
  await expect(p2.getByTestId('partner-new')).toBeChecked();
  await expect(p2.getByLabel('Organization name')).toHaveValue(name);
  await p2.getByLabel('Your name').fill('Frida Fjord');
  await p2.getByLabel('Password', { exact: true }).fill('glacier-otter-lantern-38');
  await p2.getByRole('button', { name: 'Accept' }).click();
  await expect(p2.getByRole('heading', { level: 1 })).toHaveText('Welcome, Frida Fjord');
  await expect(p2.getByTestId('org-name')).toHaveText(name);
  await expect(p2.getByTestId('my-role')).toHaveText('Admin');
  // The link works once.
  await p2.goto(new URL(link!).pathname);
  await expect(p2.getByRole('alert')).toContainText('invalid, expired or already used');
  await supplier.close();

  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId('suppliers')).toContainText(name);
  await expect(row).toContainText('Accepted');

  // A lost link is replaced; a revoked one is dead.
  const other = `buyer.${stamp}@lost.example`;
  await page.getByLabel('Organization name').fill(`Lost Link ${stamp}`);
  await page.getByLabel('E-mail of the person who accepts').fill(other);
  await page.getByRole('button', { name: 'Invite supplier' }).click();
  const first = await page.getByTestId('invitation-link').first().textContent();
  const pending = page.getByTestId('partner-invitations').locator(`tr[data-email="${other}"]`);
  await pending.getByRole('button', { name: 'New link' }).click();
  await expect(page.getByTestId('invitation-link')).toHaveCount(2);
  await pending.getByRole('button', { name: 'Revoke' }).click();
  await expect(pending).toContainText('Revoked');
  const visitor = await browser.newPage();
  await visitor.goto(new URL(first!).pathname);
  await expect(visitor.getByRole('alert')).toContainText('invalid, expired or already used');
  await visitor.close();
});

test('a supplier cannot reach the asset owner\'s pages by URL', async ({ page }) => {
  await login(page, demo.helixAdmin);
  const resp = await page.goto('/suppliers');
  expect(resp?.status()).toBe(404);
  await expect(page.getByText('does not exist, or you do not have access to it')).toBeVisible();
  await page.goto('/members');
  await expect(page.getByTestId('members')).toContainText(demo.helixContributor.email);
  await expect(page.getByTestId('members')).not.toContainText('northwind.example');
  const body = await page.content();
  expect(body).not.toContain('olivia.admin@northwind.example');
});

test('each user chooses which notifications also come by e-mail, and when', async ({ page }) => {
  await login(page, demo.deltaContributor);
  await page.getByTestId('notifications-link').click();
  await hydrated(page);
  const prefs = page.getByTestId('mail-preferences');
  await expect(prefs.getByLabel('Reviews and comments')).toHaveValue('immediate');
  await prefs.getByLabel('Reviews and comments').selectOption('daily');
  await prefs.getByLabel('Responsibility matrix').selectOption('never');
  await prefs.getByRole('button', { name: 'Save e-mail choices' }).click();
  await expect(page.getByTestId('mail-preferences-saved')).toBeVisible();
  await page.reload();
  await hydrated(page);
  await expect(prefs.getByLabel('Reviews and comments')).toHaveValue('daily');
  await expect(prefs.getByLabel('Responsibility matrix')).toHaveValue('never');
  await expect(prefs.getByLabel('Questionnaires')).toHaveValue('immediate');
});

test('a user sees where they are signed in and ends the other sessions', async ({ browser }) => {
  const laptop = await (await browser.newContext()).newPage();
  await login(laptop, demo.deltaAdmin);
  const phone = await (await browser.newContext({ userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0' })).newPage();
  await login(phone, demo.deltaAdmin);
  await laptop.goto('/account');
  await hydrated(laptop);
  const sessions = laptop.getByTestId('sessions');
  await expect(sessions.getByTestId('this-session')).toHaveCount(1);
  await expect(sessions.locator('tbody tr', { hasText: 'Firefox on Windows' })).toHaveCount(1);
  await sessions.getByRole('button', { name: 'End the session of Firefox on Windows from 127.0.0.1' }).click();
  await expect(sessions.getByTestId('session-ended')).toContainText('Session ended');
  await expect(sessions.locator('tbody tr', { hasText: 'Firefox on Windows' })).toHaveCount(0);
  // That browser is signed out at once.
  await phone.goto('/account');
  await expect(phone).toHaveURL(/\/login/);
  // Ending all the others leaves only this one.
  const others = sessions.getByTestId('end-others');
  if (await others.count()) {
    await others.click();
    await expect(sessions.getByTestId('sessions-ended')).toContainText('ended');
  }
  await expect(sessions.locator('tbody tr')).toHaveCount(1);
  await expect(sessions.getByTestId('this-session')).toBeVisible();
});

test('a user turns on two-step sign-in, signs in with a code, and turns it off with a recovery code', async ({ page }) => {
  test.setTimeout(120_000);
  const who = demo.deltaContributor;
  await login(page, who);
  await page.goto('/account');
  await hydrated(page);
  const card = page.getByTestId('second-factor');
  await card.getByRole('button', { name: 'Set up two-step sign-in' }).click();
  await expect(card.getByTestId('totp-qr').locator('svg')).toBeVisible();
  const key = (await card.getByTestId('totp-key').textContent()) ?? '';
  const recovery = await card.getByTestId('recovery-codes').locator('li').allTextContents();
  expect(recovery).toHaveLength(10);
  const first = totp(key);
  await card.getByLabel('Code the app shows now').fill(first.code);
  await card.getByRole('button', { name: 'Confirm and turn on' }).click();
  await expect(card.getByTestId('second-factor-on')).toContainText('10 recovery codes left');
  await expect(card.getByTestId('recovery-codes')).toHaveCount(0);

  // Signing in now takes the password and a code.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.getByLabel('E-mail address').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/login\/code$/);
  await checkAccessibility(page);
  await page.getByLabel('Code', { exact: true }).fill('000000');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('That code is not right');
  const next = await freshTotp(key, first.step);
  await page.getByLabel('Code', { exact: true }).fill(next.code);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/$/);
  await hydrated(page);

  // Off again: the password and a recovery code.
  await page.goto('/account');
  await hydrated(page);
  await card.getByLabel('Password').fill(who.password);
  await card.getByLabel('Current code').fill(recovery[0]);
  await card.getByRole('button', { name: 'Turn two-step sign-in off' }).click();
  await expect(card.getByRole('button', { name: 'Set up two-step sign-in' })).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await login(page, who);
});

test('an admin requires two-step sign-in: a member without it is held on the account page', async ({ browser }) => {
  test.setTimeout(120_000);
  const admin = await (await browser.newContext()).newPage();
  await login(admin, demo.deltaAdmin);
  await admin.goto('/account');
  await hydrated(admin);
  const card = admin.getByTestId('second-factor');
  await card.getByRole('button', { name: 'Set up two-step sign-in' }).click();
  const key = (await card.getByTestId('totp-key').textContent()) ?? '';
  const recovery = await card.getByTestId('recovery-codes').locator('li').allTextContents();
  await card.getByLabel('Code the app shows now').fill(totp(key).code);
  await card.getByRole('button', { name: 'Confirm and turn on' }).click();
  await expect(card.getByTestId('second-factor-on')).toBeVisible();
  await admin.goto('/members');
  await hydrated(admin);
  const policy = admin.getByTestId('second-factor-policy');
  await policy.getByRole('checkbox').check();
  await policy.getByRole('button', { name: 'Save' }).click();
  await expect(admin.getByTestId('saved').filter({ hasText: 'rule applies' })).toBeVisible();

  // The member signs in and can do nothing but set it up.
  const member = await (await browser.newContext()).newPage();
  await member.goto('/login');
  await member.getByLabel('E-mail address').fill(demo.deltaContributor.email);
  await member.getByLabel('Password').fill(demo.deltaContributor.password);
  await member.getByRole('button', { name: 'Sign in' }).click();
  await expect(member).toHaveURL(/\/account$/);
  await hydrated(member);
  await expect(member.getByTestId('second-factor-required')).toContainText('requires two-step sign-in');
  await member.goto('/commitments');
  await expect(member).toHaveURL(/\/account$/);
  await hydrated(member);
  await expect(member.getByTestId('second-factor-required')).toBeVisible();

  // Lifted again (the admin turns its own off with a recovery code).
  await admin.goto('/members');
  await hydrated(admin);
  await policy.getByRole('checkbox').uncheck();
  await policy.getByRole('button', { name: 'Save' }).click();
  await expect(admin.getByTestId('saved').filter({ hasText: 'rule applies' })).toBeVisible();
  await admin.goto('/account');
  await hydrated(admin);
  await card.getByLabel('Password').fill(demo.deltaAdmin.password);
  await card.getByLabel('Current code').fill(recovery[0]);
  await card.getByRole('button', { name: 'Turn two-step sign-in off' }).click();
  await expect(card.getByRole('button', { name: 'Set up two-step sign-in' })).toBeVisible();
  await member.goto('/commitments');
  await expect(member).toHaveURL(/\/commitments$/);
});
