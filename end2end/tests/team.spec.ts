import { expect, test } from '@playwright/test';
import { gotoReady, signIn, signUp, uniqueEmail } from './helpers';
import { emailTo, linkIn, totp } from './mail';

test('an owner invites a new member by email, who joins with the invited role', async ({ page, browser }) => {
  await signUp(page, { workspace: 'Invite Co' });
  await gotoReady(page, '/team');
  const invited = uniqueEmail('invited');
  const form = page.getByTestId('invite-email-form');
  await form.getByLabel('Email').fill(invited);
  await form.getByLabel('Role').selectOption('supervisor');
  await form.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByText('Invitation sent')).toBeVisible();
  await expect(page.getByTestId('team-invite').filter({ hasText: invited })).toBeVisible();

  const mail = await emailTo(invited, '/join?token=');
  expect(mail).toContain('Invite Co');
  const link = linkIn(mail, '/join?token=');

  const guest = await browser.newContext();
  const joiner = await guest.newPage();
  await gotoReady(joiner, link);
  await expect(joiner.getByTestId('join-summary')).toContainText('Invite Co');
  await expect(joiner.getByTestId('join-summary')).toContainText('Supervisor');
  await expect(joiner.getByLabel('Email')).toHaveValue(invited);
  await joiner.getByLabel('Your name').fill('Sam Supervisor');
  await joiner.getByLabel('Password').fill('a long password');
  await joiner.getByRole('button', { name: 'Accept and join' }).click();
  await expect(joiner.getByRole('heading', { name: 'Home' })).toBeVisible();
  await gotoReady(joiner, '/team');
  const row = joiner.getByTestId('team-member').filter({ hasText: invited });
  await expect(row).toContainText('Supervisor');
  await guest.close();

  await page.reload();
  await expect(page.getByTestId('team-member').filter({ hasText: invited })).toContainText('Supervisor');
  await expect(page.getByTestId('team-invite').filter({ hasText: invited })).toHaveCount(0);

  // The owner reads both steps in the audit log and narrows it down.
  await gotoReady(page, '/settings/audit');
  await expect(page.locator('[data-action="invite.sent"]')).toHaveCount(1);
  await expect(page.locator('[data-action="member.joined"]')).toHaveCount(1);
  await page.getByLabel('Action (e.g. member or auth.signin_failed)').fill('member');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page.locator('[data-action="invite.sent"]')).toHaveCount(0);
  await expect(page.locator('[data-action="member.joined"]')).toHaveCount(1);
});

test('a password is reset through the emailed link', async ({ page, browser }) => {
  const account = await signUp(page);
  const guest = await browser.newContext();
  const other = await guest.newPage();
  await gotoReady(other, '/signin');
  await other.getByRole('link', { name: 'Forgot your password?' }).click();
  await expect(other.getByRole('heading', { name: 'Reset your password' })).toBeVisible();
  await other.locator('html[data-hydrated]').waitFor({ state: 'attached' });
  await other.getByLabel('Email').fill(account.email);
  await other.getByRole('button', { name: 'Send the link' }).click();
  await expect(other.getByTestId('forgot-sent')).toBeVisible();

  const link = linkIn(await emailTo(account.email, '/reset-password?token='), '/reset-password?token=');
  await gotoReady(other, link);
  await other.getByLabel('New password').fill('my new password');
  await other.getByRole('button', { name: 'Set the password' }).click();
  await expect(other.getByTestId('reset-done')).toBeVisible();
  await guest.close();

  // The reset signed out every session, this one too.
  await page.goto('/');
  await expect(page).toHaveURL(/\/signin/);
  await signIn(page, { ...account, password: 'my new password' });
});

test('two-factor sign-in: enrol from the shown secret, then sign in with a code and with a recovery code', async ({ page }) => {
  const account = await signUp(page);
  await gotoReady(page, '/settings/security');
  await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
  const secret = (await page.getByTestId('totp-secret').textContent())!.trim();
  const card = page.getByTestId('two-factor');
  await card.getByLabel('Code').fill(totp(secret));
  await card.getByRole('button', { name: 'Confirm', exact: true }).click();
  const codes = page.getByTestId('recovery-codes').locator('code');
  await expect(codes).toHaveCount(10);
  const recovery = (await codes.nth(0).textContent())!.trim();
  await card.getByRole('button', { name: 'Confirm', exact: true }).click();
  await expect(page.getByTestId('two-factor-state')).toContainText('On');

  const signOut = async () => {
    await page.getByLabel('Account').click();
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await expect(page).toHaveURL(/\/signin/);
  };
  const password = async () => {
    await gotoReady(page, '/signin');
    await page.getByLabel('Email').fill(account.email);
    await page.getByLabel('Password').fill(account.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByTestId('two-factor-step')).toBeVisible();
  };

  await signOut();
  await password();
  // The enrolment used the current step's code; the next step's is still accepted.
  await page.getByLabel('Code').fill(totp(secret, 1));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('heading', { name: 'Home' })).toBeVisible();

  await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
  await signOut();
  await password();
  await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
  await page.getByLabel('Recovery code').fill(recovery);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('heading', { name: 'Home' })).toBeVisible();
});

test('a viewer sees no edit controls, and a server function called directly as a viewer is refused', async ({ page, browser }) => {
  await signUp(page, { workspace: 'Read Only Co' });
  await gotoReady(page, '/contacts/new');
  await page.getByLabel('First name').fill('Vera');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { name: 'Vera' })).toBeVisible();
  const contactUrl = page.url();

  await gotoReady(page, '/team');
  const linkForm = page.getByTestId('invite-link-form');
  await linkForm.getByLabel('Role').selectOption('viewer');
  await linkForm.getByRole('button', { name: 'Create link' }).click();
  const link = await page.getByTestId('team-invite').locator('input.invite-link').first().inputValue();
  expect(link).toContain('/join?token=');

  const guest = await browser.newContext();
  const viewer = await guest.newPage();
  await gotoReady(viewer, link);
  await viewer.getByLabel('Email').fill(uniqueEmail('viewer'));
  await viewer.getByLabel('Your name').fill('Val Viewer');
  await viewer.getByLabel('Password').fill('a long password');
  await viewer.getByRole('button', { name: 'Accept and join' }).click();
  await expect(viewer.getByRole('heading', { name: 'Home' })).toBeVisible();
  await expect(viewer.getByRole('link', { name: 'New contact' })).toHaveCount(0);

  await gotoReady(viewer, '/contacts');
  await expect(viewer.getByRole('link', { name: 'Vera' })).toBeVisible();
  await expect(viewer.getByRole('link', { name: 'New contact' })).toHaveCount(0);
  await expect(viewer.getByRole('link', { name: 'Import CSV' })).toHaveCount(0);
  await gotoReady(viewer, contactUrl);
  await expect(viewer.getByRole('heading', { name: 'Vera' })).toBeVisible();
  await expect(viewer.getByRole('button', { name: 'Edit' })).toHaveCount(0);
  await expect(viewer.getByRole('button', { name: 'Delete' })).toHaveCount(0);
  await expect(viewer.getByRole('button', { name: 'Add note' })).toHaveCount(0);

  // Hiding a button protects nothing: the server refuses the call itself.
  const res = await viewer.request.post('/sfn/rename_workspace', {
    form: { 'input[name]': 'Hijacked' },
    headers: { origin: new URL(viewer.url()).origin, 'sec-fetch-site': 'same-origin' },
  });
  expect(res.status()).toBe(403);
  await guest.close();
  await page.reload();
  await expect(page.getByText('Read Only Co').first()).toBeVisible();
});
