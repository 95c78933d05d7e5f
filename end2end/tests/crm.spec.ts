import { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { gotoReady, signUp } from './helpers';

async function createCompany(page: Page, name: string) {
  await gotoReady(page, '/companies/new');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Industry').fill('Logistics');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { name })).toBeVisible();
}

test('companies, contacts and deals: create, edit, find, note, remind, delete', async ({ page }) => {
  await signUp(page, { workspace: 'CRM' });
  await createCompany(page, 'Acme Freight');

  // A contact in the company, with a field error first.
  await gotoReady(page, '/contacts/new');
  await page.getByLabel('First name').fill('Ada');
  await page.getByLabel('Last name').fill('Lovelace');
  await page.getByLabel('Email').fill('not-an-email');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Enter a valid email address')).toBeVisible();
  await expect(page.getByLabel('First name')).toHaveValue('Ada');
  await page.getByLabel('Email').fill('ada@acme.example');
  await page.getByLabel('Company').selectOption({ label: 'Acme Freight' });
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { name: 'Ada Lovelace' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Acme Freight' })).toBeVisible();

  // Edit the contact.
  await page.getByRole('button', { name: 'Edit' }).click();
  await page.getByLabel('Phone').fill('+44 20 7946 0000');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('+44 20 7946 0000')).toBeVisible();
  await expect(page.getByText(/Edited: phone/)).toBeVisible();

  // A note and a reminder on the contact.
  await page.getByLabel('Note', { exact: true }).fill('Met at the expo; wants a quote.');
  await page.getByRole('button', { name: 'Add note' }).click();
  await expect(page.locator('.notes__body', { hasText: 'Met at the expo; wants a quote.' })).toBeVisible();
  await page.getByLabel('What to do').fill('Send the quote');
  await page.getByLabel('Due', { exact: true }).fill('2030-01-15T10:00');
  await page.getByRole('button', { name: 'Add reminder' }).click();
  await expect(page.locator('.reminders__item', { hasText: 'Send the quote' })).toBeVisible();

  // A deal for both.
  await gotoReady(page, '/deals/new');
  await page.getByLabel('Title').fill('Freight contract');
  await page.getByLabel('Value').fill('12500.50');
  await page.getByLabel('Currency').fill('eur');
  await page.getByLabel('Contact').selectOption({ label: 'Ada Lovelace' });
  await page.getByLabel('Company').selectOption({ label: 'Acme Freight' });
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { name: 'Freight contract' })).toBeVisible();
  await expect(page.getByText('€12,500.50')).toBeVisible();
  await page.getByLabel('Move to stage').selectOption({ label: 'Proposal' });
  await expect(page.getByText('Moved: New → Proposal')).toBeVisible();

  // Edit the deal and the company.
  await page.getByRole('button', { name: 'Edit' }).click();
  await page.getByLabel('Title').fill('Freight contract 2027');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { name: 'Freight contract 2027' })).toBeVisible();

  // Search the lists, and the palette.
  await gotoReady(page, '/contacts');
  await page.getByRole('searchbox', { name: 'Search…' }).fill('lovel');
  await expect(page.getByRole('link', { name: 'Ada Lovelace' })).toBeVisible();
  await page.getByRole('searchbox', { name: 'Search…' }).fill('nobody-like-this');
  await expect(page.getByText('Nothing matches this search.')).toBeVisible();
  await page.keyboard.press('Control+k');
  await page.getByRole('combobox', { name: 'Search everything' }).fill('freight');
  await expect(page.getByRole('option', { name: /Freight contract 2027/ })).toBeVisible();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/(deals|companies|contacts)\/\d+$/);

  // Deleting a company with deals asks what happens to them.
  await gotoReady(page, '/companies');
  await page.getByRole('link', { name: 'Acme Freight' }).click();
  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByLabel('Keep its deals, without the company').check();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await expect(page).toHaveURL(/\/companies$/);
  await expect(page.getByText('No companies yet. Add the first one.')).toBeVisible();
});

test('lists page through many records', async ({ page }) => {
  await signUp(page, { workspace: 'Paging' });
  for (let i = 0; i < 30; i++) {
    const res = await page.request.post('/api/crm/contacts', { data: { firstName: `Lead${String(i).padStart(2, '0')}`, lastName: 'Test' } });
    expect(res.status()).toBe(201);
  }
  await gotoReady(page, '/contacts');
  await page.getByRole('button', { name: 'Name' }).click();
  await expect(page.getByRole('link', { name: 'Lead00 Test' })).toBeVisible();
  await expect(page.getByText('Page 1 of 2 · 30 total')).toBeVisible();
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByText('Page 2 of 2 · 30 total')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Lead29 Test' })).toBeVisible();
});

test('another browser sees a new contact appear without reloading', async ({ page, browser }) => {
  const account = await signUp(page, { workspace: 'Live CRM' });
  const other = await browser.newContext();
  const watcher = await other.newPage();
  await gotoReady(watcher, '/signin');
  await watcher.getByLabel('Email').fill(account.email);
  await watcher.getByLabel('Password').fill(account.password);
  await watcher.getByRole('button', { name: 'Sign in' }).click();
  await expect(watcher.getByRole('heading', { name: 'Home' })).toBeVisible();
  await gotoReady(watcher, '/contacts');
  await expect(watcher.getByTestId('realtime')).toHaveAttribute('data-state', 'connected');

  await gotoReady(page, '/contacts/new');
  await page.getByLabel('Display name').fill('Grace Hopper');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { name: 'Grace Hopper' })).toBeVisible();
  await expect(watcher.getByRole('link', { name: 'Grace Hopper' })).toBeVisible();

  // Deleting asks first.
  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await expect(page).toHaveURL(/\/contacts$/);
  await expect(watcher.getByRole('link', { name: 'Grace Hopper' })).toHaveCount(0);
  await other.close();
});

test('a CSV import reports created, updated and failed rows, and the filtered list exports', async ({ page }) => {
  await signUp(page, { workspace: 'Import' });
  const existing = await page.request.post('/api/crm/contacts', { data: { displayName: 'Existing Person', email: 'row5@import.example' } });
  expect(existing.status()).toBe(201);
  const lines = ['Name,E-mail,Phone,Company'];
  for (let i = 1; i <= 50; i++) {
    const email = [10, 20, 30].includes(i) ? 'broken-email' : `row${i}@import.example`;
    lines.push(`Person ${i},${email},+1 555 01${String(i).padStart(2, '0')},Importers Inc`);
  }
  await gotoReady(page, '/contacts/import');
  await page.getByLabel('CSV file').setInputFiles({ name: 'contacts.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n')) });
  await expect(page.getByText('50 rows in the file')).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Field: E-mail' })).toHaveValue('email');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByTestId('import-created')).toHaveText('46');
  await expect(page.getByTestId('import-updated')).toHaveText('1');
  await expect(page.getByTestId('import-failed')).toHaveText('3');
  for (const row of ['11', '21', '31']) {
    await expect(page.getByRole('row', { name: new RegExp(`^${row} email`) })).toBeVisible();
  }

  await gotoReady(page, '/contacts');
  await page.getByRole('searchbox', { name: 'Search…' }).fill('person 1');
  await expect(page.getByText('Page 1 of 1 · 10 total')).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
  const text = require('fs').readFileSync(await download.path(), 'utf8') as string;
  const rows = text.trim().split(/\r?\n/);
  expect(rows.length).toBe(11);
  expect(text).toContain('row11@import.example');
  expect(text).not.toContain('row2@import.example');
});
