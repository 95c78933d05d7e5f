import { APIRequestContext, Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { gotoReady, signUp } from './helpers';

// Telegram user accounts against the simulated Telegram (the boundary's test implementation,
// running inside the server with PARLEY_TELEGRAM_USER_BACKEND=simulated). The tests play
// Telegram's side through /api/simulated-telegram: the code "sent to the app", scanning the
// QR code, a lead writing, a flood wait. Every test uses a phone number of its own.

let seq = 0;
function uniquePhone(): string {
  seq += 1;
  return `+1666${String(Date.now() % 1e6).padStart(6, '0')}${seq}`;
}

async function sim(request: APIRequestContext, path: string, body?: unknown): Promise<any> {
  const res = body === undefined
    ? await request.get(`/api/simulated-telegram${path}`)
    : await request.post(`/api/simulated-telegram${path}`, { data: body });
  expect(res.status(), `${path}: ${await res.text()}`).toBeLessThan(300);
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

/** A Telegram account with Lena and Oleg (folder "Clients") and a team group. */
async function telegramAccount(request: APIRequestContext, password?: string): Promise<string> {
  const phone = uniquePhone();
  await sim(request, '/accounts', {
    phone,
    userId: 50_000_000 + Math.floor(Math.random() * 1e7),
    name: 'Rita Rep',
    username: 'rita',
    password: password ?? null,
    folders: [{ id: 3, title: 'Clients' }],
    chats: [
      { peerId: 801, title: 'Lena Petrova', username: 'lena_p', folderIds: [3],
        messages: [{ text: 'Hi Rita' }, { text: 'Hello Lena', outgoing: true }, { text: 'Is the offer still on?' }] },
      { peerId: 802, title: 'Oleg Ivanov', folderIds: [3], messages: [{ text: 'Ping' }] },
      { peerId: -100777, title: 'Sales team', kind: 'group', messages: [{ text: 'Standup at 10' }] },
    ],
  });
  return phone;
}

/** The workspace's Telegram application, entered on the connect page by the owner. */
async function openConnectPage(page: Page): Promise<void> {
  await gotoReady(page, '/inbox');
  await page.getByTestId('connect-telegram').click();
  await expect(page).toHaveURL(/\/inbox\/telegram\/connect$/);
  await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
  await page.getByTestId('telegram-api-id').fill('123456');
  await page.getByTestId('telegram-api-hash').fill('0123456789abcdef0123456789abcdef');
  await page.getByTestId('telegram-app-save').click();
  await expect(page.getByTestId('telegram-phone')).toBeVisible();
}

function chatRow(page: Page, title: string): Locator {
  return page.getByTestId('chat-list').locator('[data-testid^="chat-row-"]', { hasText: title });
}

test('a rep connects Telegram by phone, picks chats, works a chat and watches a flood wait', async ({ page }) => {
  await signUp(page, { workspace: 'Telegram Phone' });
  const phone = await telegramAccount(page.request, 'hunter2');
  await openConnectPage(page);

  // Phone → code → cloud password.
  await page.getByTestId('telegram-phone').fill(phone);
  await page.getByTestId('telegram-send-code').click();
  await expect(page.getByTestId('telegram-code')).toBeVisible();
  const { code } = await sim(page.request, `/accounts/${encodeURIComponent(phone)}/code`);
  await page.getByTestId('telegram-code').fill(code === '00000' ? '11111' : '00000');
  await page.getByTestId('telegram-continue').click();
  await expect(page.getByTestId('telegram-login-error')).not.toBeEmpty();
  await page.getByTestId('telegram-code').fill(code);
  await page.getByTestId('telegram-continue').click();
  await expect(page.getByTestId('telegram-password')).toBeVisible();
  await page.getByTestId('telegram-password').fill('hunter2');
  await page.getByTestId('telegram-continue').click();
  await expect(page).toHaveURL(/\/inbox\/accounts\/\d+$/);
  const accountUrl = page.url();

  // Pick what to sync: nothing else is stored.
  const lena = page.getByTestId('telegram-chat-801');
  await expect(lena).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('telegram-chat-802')).toBeVisible();
  await page.getByTestId('telegram-folder-3').click();
  await expect(page.getByTestId('telegram-chat--100777')).toHaveCount(0);
  await lena.getByRole('checkbox').check();
  await page.getByTestId('telegram-save-pick').click();
  await expect(lena).toHaveAttribute('data-history', 'done', { timeout: 20_000 });

  // The history is in the inbox, and a new message arrives live.
  await gotoReady(page, '/inbox');
  const row = chatRow(page, 'Lena Petrova');
  await expect(row).toBeVisible();
  await expect(chatRow(page, 'Oleg Ivanov')).toHaveCount(0);
  await row.click();
  const pane = page.getByTestId('conversation-pane');
  await expect(pane.locator('.message--in', { hasText: 'Is the offer still on?' })).toBeVisible();
  await expect(pane.locator('.message--out', { hasText: 'Hello Lena' })).toBeVisible();
  await sim(page.request, `/accounts/${encodeURIComponent(phone)}/updates`, { type: 'message', peerId: 801, text: 'Can we meet at 5?' });
  await expect(pane.locator('.message--in', { hasText: 'Can we meet at 5?' })).toBeVisible({ timeout: 15_000 });

  // A reply goes out through the account.
  await page.getByTestId('composer-input').fill('5 works, see you');
  await page.getByTestId('composer-send').click();
  await expect
    .poll(async () => (await sim(page.request, `/accounts/${encodeURIComponent(phone)}/sent`)).map((m: any) => m.text), { timeout: 15_000 })
    .toContain('5 works, see you');

  // Telegram asks to wait: the next reply waits, and the health panel counts down.
  await sim(page.request, `/accounts/${encodeURIComponent(phone)}/flood`, { seconds: 12 });
  await page.getByTestId('composer-input').fill('One more thing');
  await page.getByTestId('composer-send').click();
  await gotoReady(page, accountUrl);
  const countdown = page.getByTestId('telegram-flood-countdown');
  await expect(countdown).toBeVisible({ timeout: 15_000 });
  const first = parseInt((await countdown.textContent()) ?? '0', 10);
  expect(first).toBeGreaterThan(0);
  await expect.poll(async () => parseInt((await countdown.textContent()) ?? '0', 10)).toBeLessThan(first);
  // When it passes, the message goes out and the account is connected again.
  await expect
    .poll(async () => (await sim(page.request, `/accounts/${encodeURIComponent(phone)}/sent`)).map((m: any) => m.text), { timeout: 30_000 })
    .toContain('One more thing');
  await expect(page.getByTestId('telegram-health')).toHaveAttribute('data-status', 'connected', { timeout: 15_000 });
});

test('a rep connects Telegram by QR code, which refreshes before it expires', async ({ page }) => {
  await signUp(page, { workspace: 'Telegram QR' });
  const phone = await telegramAccount(page.request);
  await openConnectPage(page);
  // Codes that live 7 s: the page shows a fresh one before the first expires.
  await sim(page.request, '/qr/ttl', { ms: 7000 });
  await page.getByTestId('telegram-start-qr').click();
  const qr = page.getByTestId('telegram-qr');
  await expect(qr).toBeVisible();
  await sim(page.request, '/qr/ttl', { ms: 30000 });
  await expect(qr.locator('svg')).toBeVisible();
  const first = await qr.getAttribute('data-url');
  expect(first).toMatch(/^tg:\/\/login\?token=/);
  await expect.poll(async () => qr.getAttribute('data-url'), { timeout: 15_000 }).not.toBe(first);
  const fresh = await qr.getAttribute('data-url');
  // The rep scans it with Telegram on the phone.
  await sim(page.request, '/qr/scan', { token: fresh, phone });
  await expect(page).toHaveURL(/\/inbox\/accounts\/\d+$/, { timeout: 15_000 });
  await expect(page.getByTestId('telegram-chat-801')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('telegram-status')).toHaveText(/connected/i);
});

test('a rep writes first to someone found by username, and they see the rep typing', async ({ page }) => {
  await signUp(page, { workspace: 'Telegram Reach' });
  const phone = await telegramAccount(page.request);
  const n = Date.now() % 1e6;
  const userId = 60_000_000 + n;
  const username = `maria_${n}`;
  await sim(page.request, '/people', { userId, name: 'Maria Novak', username, phone: `+4479${String(n).padStart(8, '0')}` });
  await openConnectPage(page);
  await page.getByTestId('telegram-phone').fill(phone);
  await page.getByTestId('telegram-send-code').click();
  await expect(page.getByTestId('telegram-code')).toBeVisible();
  const { code } = await sim(page.request, `/accounts/${encodeURIComponent(phone)}/code`);
  await page.getByTestId('telegram-code').fill(code);
  await page.getByTestId('telegram-continue').click();
  await expect(page).toHaveURL(/\/inbox\/accounts\/\d+$/);

  await gotoReady(page, '/inbox');
  const form = page.getByTestId('write-first');
  await expect(form).toBeVisible();
  await expect(page.getByTestId('write-first-allowance')).toContainText('0 / 50');
  // Nobody has this name: the form says so and stays.
  await page.getByTestId('write-first-who').fill('@nobody_has_this_name');
  await page.getByTestId('write-first-submit').click();
  await expect(form.getByRole('alert')).toContainText('Nobody on Telegram');
  await expect(page.getByTestId('write-first-allowance')).toContainText('1 / 50');

  // Maria is found: her (empty) chat opens, and the allowance counts the lookup.
  await page.getByTestId('write-first-who').fill(`@${username}`);
  await page.getByTestId('write-first-submit').click();
  await expect(page).toHaveURL(/[?&]c=\d+/);
  const pane = page.getByTestId('conversation-pane');
  await expect(pane).toContainText('Maria Novak');
  await expect(chatRow(page, 'Maria Novak')).toBeVisible();
  await expect(page.getByTestId('write-first-allowance')).toContainText('2 / 50');

  // Typing shows on Maria's side; the first message goes out to her.
  await page.getByTestId('composer-input').pressSequentially('Hello Maria');
  await expect
    .poll(async () => (await sim(page.request, `/accounts/${encodeURIComponent(phone)}/typing`)).peers, { timeout: 15_000 })
    .toContain(userId);
  await page.getByTestId('composer-send').click();
  await expect
    .poll(async () => (await sim(page.request, `/accounts/${encodeURIComponent(phone)}/sent`)).map((m: any) => [m.peerId, m.text]), { timeout: 15_000 })
    .toContainEqual([userId, 'Hello Maria']);
});
