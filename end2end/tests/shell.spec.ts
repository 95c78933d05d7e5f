import { expect, test } from './fixtures';
import { gotoReady, indicator, signIn, signUp, uniqueEmail } from './helpers';

test('signing up lands on Home with the live indicator connected', async ({ page }) => {
  const cspErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) cspErrors.push(m.text());
  });
  const account = await signUp(page);
  await expect(indicator(page)).toHaveAttribute('data-state', 'connected');
  await expect(indicator(page)).toHaveText('Live');
  await expect(page.getByRole('combobox', { name: 'Workspace' })).toContainText(account.workspace);
  await expect(page.getByText('Workspace created')).toBeVisible();
  await expect(page.getByText('Riley Rep joined the workspace')).toBeVisible();
  expect(cspErrors).toEqual([]);
});

test('invalid sign-up input shows field errors and keeps what was typed', async ({ page }) => {
  await gotoReady(page, '/signup');
  await page.getByLabel('Email').fill('not-an-email');
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText('Enter a valid email address')).toBeVisible();
  await expect(page.getByText('Use 8 to 128 characters')).toBeVisible();
  await expect(page.getByText('This field is required')).toBeVisible();
  await expect(page.getByLabel('Email')).toHaveValue('not-an-email');
  await expect(page).toHaveURL(/\/signup$/);
});

test('the server refuses a taken email with a field error', async ({ page, browser }) => {
  const account = await signUp(page);
  const other = await browser.newPage();
  await gotoReady(other, '/signup');
  await other.getByLabel('Email').fill(account.email);
  await other.getByLabel('Password').fill('another password');
  await other.getByLabel('Workspace name').fill('Second');
  await other.getByRole('button', { name: 'Create account' }).click();
  await expect(other.getByText('An account with this email already exists')).toBeVisible();
  await other.close();
});

test('signing out and back in', async ({ page }) => {
  const account = await signUp(page);
  await page.getByLabel('Account').click();
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page).toHaveURL(/\/signin$/);
  await page.goto('/');
  await expect(page).toHaveURL(/\/signin$/);

  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill('wrong password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('Wrong email or password')).toBeVisible();
  await signIn(page, account);
  await expect(indicator(page)).toHaveAttribute('data-state', 'connected');
});

test('switching the language to Russian changes the shell text', async ({ page }) => {
  await signUp(page);
  await page.getByRole('combobox', { name: 'Language' }).selectOption('ru');
  await expect(page.getByRole('link', { name: 'Главная' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Главная' })).toBeVisible();
  await expect(indicator(page)).toHaveText('В сети');
  await page.reload();
  await expect(page.getByRole('link', { name: 'Настройки' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'ru');
});

test('the theme choice persists across reloads', async ({ page }) => {
  await signUp(page);
  await page.getByRole('combobox', { name: 'Theme' }).selectOption('dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page.getByRole('combobox', { name: 'Theme' })).toHaveValue('dark');
  await page.getByRole('combobox', { name: 'Theme' }).selectOption('light');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
});

test('renaming the workspace in settings updates another open tab live', async ({ page, context }) => {
  await signUp(page, { workspace: 'Before' });
  const watcher = await context.newPage();
  await gotoReady(watcher, '/');
  await expect(indicator(watcher)).toHaveAttribute('data-state', 'connected');

  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByLabel('Workspace name').fill('After');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();

  await expect(watcher.getByText('Workspace renamed to «After»')).toBeVisible();
  await expect(watcher.getByRole('combobox', { name: 'Workspace' })).toContainText('After');
});

test('a second workspace can be created and switched to', async ({ page }) => {
  await signUp(page, { workspace: 'First' });
  await page.getByRole('combobox', { name: 'Workspace' }).selectOption('new');
  await page.getByLabel('Workspace name').fill('Second');
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByRole('combobox', { name: 'Workspace' })).toContainText('Second');
  const switcher = page.getByRole('combobox', { name: 'Workspace' });
  await expect(switcher.locator('option')).toHaveCount(3);
  const firstId = await switcher.locator('option', { hasText: 'First' }).getAttribute('value');
  await switcher.selectOption(firstId!);
  await expect(page.locator('.card__title').first()).toHaveText('First');
});

test('signed-out visitors are sent to sign in', async ({ page }) => {
  await page.goto('/settings');
  await expect(page).toHaveURL(/\/signin$/);
  await expect(page.getByRole('heading', { name: 'Sign in to Parley' })).toBeVisible();
  const email = uniqueEmail();
  expect(email).toContain('@');
});
