import { expect, test } from './fixtures';
import { gotoReady, signUp } from './helpers';

test('an amount typed in Russian is saved exactly and shown the way each language writes money', async ({ page }) => {
  await signUp(page);
  await page.getByRole('combobox', { name: 'Language' }).selectOption('ru');

  // Home: a plural form Russian needs, and recent activity in words.
  await expect(page.getByText('1 участник', { exact: true })).toBeVisible();
  await expect(page.getByText('Пространство создано')).toBeVisible();
  await expect(page.getByText('Riley Rep — новый участник пространства')).toBeVisible();
  await expect(page.getByText(/Change:|Изменение:|workspace\.created/)).toHaveCount(0);

  // The reproduction: Deals → New deal, 1500,50 RUB.
  await gotoReady(page, '/deals/new');
  await page.getByLabel('Название').fill('Поставка');
  await page.getByLabel('Сумма').fill('1,500');
  await page.getByLabel('Валюта').fill('RUB');
  await page.getByRole('button', { name: 'Сохранить' }).click();
  await expect(page.getByText('Это можно прочитать двояко: напишите 1500 или 1,50')).toBeVisible();
  await page.getByLabel('Сумма').fill('1500,50');
  await page.getByRole('button', { name: 'Сохранить' }).click();
  await expect(page.getByRole('heading', { name: 'Поставка' })).toBeVisible();
  await expect(page.locator('.facts')).toContainText(/1\s500,50\s₽/);
  const id = page.url().split('/').pop();
  const saved = await page.request.get(`/api/crm/deals/${id}`);
  expect((await saved.json()).valueMinor).toBe(150050);

  // The toast on screen follows a language switch, and so does the money.
  const toast = page.locator('.toast');
  await expect(toast).toHaveText(/Сохранено/);
  await page.getByRole('combobox', { name: 'Язык' }).selectOption('en');
  await expect(toast).toHaveText(/Saved/);
  await expect(page.locator('.facts')).toContainText(/RUB\s1,500\.50/);

  // Editing shows the amount the way the language types it; switching the language with the
  // form open rewrites it, so it is still read as meant, and it stays exact.
  await page.getByRole('button', { name: 'Edit' }).click();
  await expect(page.getByLabel('Value')).toHaveValue('1500.50');
  await page.getByRole('combobox', { name: 'Language' }).selectOption('ru');
  await expect(page.getByLabel('Сумма')).toHaveValue('1500,50');
  await page.getByRole('button', { name: 'Сохранить' }).click();
  await expect(page.locator('.facts')).toContainText(/1\s500,50\s₽/);
  expect((await (await page.request.get(`/api/crm/deals/${id}`)).json()).valueMinor).toBe(150050);
  await page.getByRole('combobox', { name: 'Язык' }).selectOption('en');

  // Home in English: recent activity in words.
  await gotoReady(page, '/');
  await expect(page.getByText('1 member', { exact: true })).toBeVisible();
  await expect(page.getByText('New deal: Поставка')).toBeVisible();
});

test.describe('a member in Vladivostok', () => {
  test.use({ timezoneId: 'Asia/Vladivostok' });

  test('has the zone detected at sign-up and sees times in it', async ({ page }) => {
    await signUp(page);
    const me = await (await page.request.get('/api/auth/me')).json();
    expect(me.user.timeZone).toBe('Asia/Vladivostok');

    // "Workspace created" happened a moment ago: its time is Vladivostok's clock, not UTC's.
    const shown = (await page.locator('.activity__time').first().innerText()).replace(/\s/g, ' ');
    const inZone = (zone: string, at: number) =>
      new Intl.DateTimeFormat('en-US', { timeZone: zone, hour: 'numeric', minute: '2-digit', hour12: true })
        .format(at)
        .replace(/\s/g, ' ');
    // The clock reading is the whole last part of the line: "1:12 AM" (UTC) must not match
    // the tail of "11:12 AM" (Vladivostok).
    const showsClock = (clock: string) => shown === clock || shown.endsWith(` ${clock}`);
    const now = Date.now();
    const candidates = [now, now - 60_000, now - 120_000];
    expect(candidates.some((at) => showsClock(inZone('Asia/Vladivostok', at)))).toBe(true);
    expect(candidates.some((at) => showsClock(inZone('UTC', at)))).toBe(false);

    // The same after a reload (rendered by the server from the member's zone).
    await page.reload();
    const again = (await page.locator('.activity__time').first().innerText()).replace(/\s/g, ' ');
    expect(again).toBe(shown);
  });
});
