import { Locator, Page } from '@playwright/test';
import { fakeTelegramUrl } from '../playwright.config';
import { expect, test } from './fixtures';
import { gotoReady, indicator, OwnServer, signUp } from './helpers';

// The inbox against the fake Telegram Bot API (the fake-telegram crate) that the config starts:
// the tests register bots and inject users' messages through its `/_control/` endpoints, and
// Parley polls it as it would api.telegram.org. Every test uses bots and users of its own.

let seq = 0;
/** A number no other test of this run uses (bot ids, Telegram user ids). */
function uniqueId(): number {
  seq += 1;
  return 100_000_000 + ((Date.now() % 1e8) * 8 + seq + Math.floor(Math.random() * 1000)) % 800_000_000;
}

interface Bot {
  token: string;
  username: string;
}

interface TgUser {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
}

interface Sent {
  chat_id: number;
  message_id: number;
  kind: string;
  text?: string;
}

/** Calls a control endpoint of the fake; answers its `result`. */
async function fake<T>(endpoint: string, body?: unknown): Promise<T> {
  const init: RequestInit =
    body === undefined
      ? {}
      : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
  const res = await fetch(`${fakeTelegramUrl}/_control/${endpoint}`, init);
  const answer = await res.json();
  if (!answer.ok) throw new Error(`fake-telegram ${endpoint}: ${JSON.stringify(answer)}`);
  return answer.result as T;
}

/** Registers a new bot at the fake. */
async function newBot(): Promise<Bot> {
  const id = uniqueId();
  const bot = { token: `${id}:e2e-${Math.random().toString(36).slice(2, 12)}`, username: `e2e_${id}_bot` };
  await fake('bots', bot);
  return bot;
}

function newUser(first_name: string, last_name?: string): TgUser {
  const id = uniqueId();
  return { id, first_name, last_name, username: `${first_name.toLowerCase()}_${id}` };
}

/** A user writes to the bot. */
async function inject(bot: Bot, from: TgUser, text: string): Promise<void> {
  await fake('inject', { token: bot.token, from, text });
}

async function sent(bot: Bot): Promise<Sent[]> {
  return fake<Sent[]>(`sent?token=${encodeURIComponent(bot.token)}`);
}

/** Connects the bot from the inbox's accounts pane (the page is on /inbox). */
async function connectBot(page: Page, bot: Bot): Promise<void> {
  await page.getByTestId('connect-bot-token').fill(bot.token);
  await page.getByTestId('connect-bot-submit').click();
  await expect(page.getByTestId('inbox-accounts').locator('.accounts__name', { hasText: bot.username })).toBeVisible();
  await expect(page.getByTestId('connect-bot-token')).toHaveValue('');
}

/** A chat-list row by its title. */
function chatRow(page: Page, title: string): Locator {
  return page.getByTestId('chat-list').locator('[data-testid^="chat-row-"]', { hasText: title });
}

/** The numeric id at the end of an element's `data-testid`. */
async function idOf(locator: Locator): Promise<number> {
  const testid = await locator.getAttribute('data-testid');
  const id = Number(testid?.split('-').pop());
  if (!Number.isInteger(id)) throw new Error(`no id in data-testid ${testid}`);
  return id;
}

/** Marks the window, so a later check can tell it was never reloaded. */
async function markWindow(page: Page): Promise<void> {
  await page.evaluate(() => ((window as unknown as { e2eMark: boolean }).e2eMark = true));
}

async function stillSameWindow(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { e2eMark?: boolean }).e2eMark === true);
}

test('a rep connects a bot, receives a message live, reads it and replies', async ({ page }) => {
  await signUp(page, { workspace: 'Inbox One' });
  const bot = await newBot();
  await gotoReady(page, '/inbox');
  await connectBot(page, bot);
  await expect(indicator(page)).toHaveAttribute('data-state', 'connected');
  // The rep checks the bot's connection: Telegram answers, and the page says so.
  await page.getByTestId('inbox-accounts').locator('[data-testid^="check-account-"]').click();
  await expect(page.locator('.toast', { hasText: 'The connection works' })).toBeVisible();
  await markWindow(page);

  const nadia = newUser('Nadia');
  await inject(bot, nadia, 'Hello, is the pro plan still on sale?');

  // Live: the chat appears with its badge, and the sidebar counts it.
  const row = chatRow(page, 'Nadia');
  await expect(row).toBeVisible({ timeout: 20_000 });
  const chat = await idOf(row);
  await expect(page.getByTestId(`chat-unread-${chat}`)).toHaveText('1');
  await expect(row).toContainText('Hello, is the pro plan still on sale?');
  await expect(page.getByTestId('nav-inbox-unread')).toHaveText('1');
  expect(await stillSameWindow(page)).toBe(true);

  // Opening the chat shows the message and reads it.
  await row.click();
  await expect(page).toHaveURL(new RegExp(`/inbox\\?c=${chat}$`));
  const pane = page.getByTestId('conversation-pane');
  await expect(pane.locator('.message--in', { hasText: 'Hello, is the pro plan still on sale?' })).toBeVisible();
  await expect(page.getByTestId(`chat-unread-${chat}`)).toHaveCount(0);
  await expect(page.getByTestId('nav-inbox-unread')).toHaveText('0');

  // The reply goes out through the bot.
  const reply = 'Yes — until Friday. Want a quote?';
  await page.getByTestId('composer-input').fill(reply);
  await page.getByTestId('composer-send').click();
  const out = pane.locator('.message--out', { hasText: reply });
  await expect(out).toHaveCount(1);
  const message = await idOf(out);
  await expect(page.getByTestId(`message-state-${message}`)).toHaveAttribute('data-state', 'sent', { timeout: 20_000 });
  await expect(page.getByTestId('composer-input')).toHaveValue('');
  await expect
    .poll(async () => (await sent(bot)).filter((m) => m.text === reply).map((m) => m.chat_id))
    .toEqual([nadia.id]);
  expect(await stillSameWindow(page)).toBe(true);
});

test('when one member reads a chat, the badge disappears for the other', async ({ page, browser }) => {
  test.setTimeout(90_000);
  // Runs its own server, so the shared one's other chats stay out of the unread counts.
  const server = new OwnServer(3203);
  await server.start();
  const other = await browser.newContext();
  try {
    const first = await signUp(page, { workspace: 'Shared Inbox' }, server.url);
    const teammate = await other.newPage();
    // The fixture watches only the first context; this one is checked at the end.
    const teammateProblems: string[] = [];
    teammate.on('pageerror', (e) => teammateProblems.push(e.message));
    teammate.on('console', (m) => {
      if (m.type() === 'error' && /panicked|hydration|Content Security Policy/i.test(m.text())) teammateProblems.push(m.text());
    });
    const second = await signUp(teammate, { workspace: 'Teammate Own' }, server.url);

    // The teammate joins through an invitation link (their session moves to the workspace).
    const link = await page.request.post(`${server.url}/api/team/invite-links`, {
      data: { role: 'rep', maxUses: 1 },
      headers: { origin: server.url },
    });
    expect(link.status()).toBe(201);
    const token = new URL((await link.json()).url).searchParams.get('token');
    const joined = await teammate.request.post(`${server.url}/api/invites/accept`, {
      data: { token },
      headers: { origin: server.url },
    });
    expect(joined.status()).toBe(200);

    const bot = await newBot();
    await gotoReady(page, `${server.url}/inbox`);
    await connectBot(page, bot);
    await gotoReady(teammate, `${server.url}/inbox`);
    await expect(teammate.getByRole('combobox', { name: 'Workspace' })).toContainText('Shared Inbox');
    await expect(teammate.getByTestId('inbox-accounts')).toContainText(bot.username);
    await expect(indicator(page)).toHaveAttribute('data-state', 'connected');
    await expect(indicator(teammate)).toHaveAttribute('data-state', 'connected');

    await inject(bot, newUser('Oskar'), 'Can someone call me back?');
    const mine = chatRow(page, 'Oskar');
    const theirs = chatRow(teammate, 'Oskar');
    await expect(mine).toBeVisible({ timeout: 20_000 });
    await expect(theirs).toBeVisible();
    const chat = await idOf(mine);
    await expect(page.getByTestId(`chat-unread-${chat}`)).toHaveText('1');
    await expect(teammate.getByTestId(`chat-unread-${chat}`)).toHaveText('1');
    await expect(teammate.getByTestId('nav-inbox-unread')).toHaveText('1');
    await markWindow(teammate);

    await mine.click();
    await expect(page.getByTestId('conversation-pane')).toContainText('Can someone call me back?');
    await expect(page.getByTestId(`chat-unread-${chat}`)).toHaveCount(0);

    await expect(teammate.getByTestId(`chat-unread-${chat}`)).toHaveCount(0);
    await expect(teammate.getByTestId('nav-inbox-unread')).toHaveText('0');
    expect(await stillSameWindow(teammate)).toBe(true);
    expect(teammateProblems).toEqual([]);
  } finally {
    await other.close();
    await server.stop();
  }
});

test('a contact and a deal are created from a chat and linked to it', async ({ page }) => {
  await signUp(page, { workspace: 'Inbox CRM' });
  const bot = await newBot();
  await gotoReady(page, '/inbox');
  await connectBot(page, bot);
  await inject(bot, newUser('Olga', 'Petrova'), 'We need 40 seats for the team.');
  const row = chatRow(page, 'Olga Petrova');
  await expect(row).toBeVisible({ timeout: 20_000 });
  const chat = await idOf(row);
  await row.click();

  const panel = page.getByTestId('crm-panel');
  await expect(panel.getByLabel('First name')).toHaveValue('Olga');
  await expect(panel.getByLabel('Last name')).toHaveValue('Petrova');
  const deal = `Petrova — 40 seats ${Date.now().toString(36)}`;
  await panel.getByLabel('Deal title (optional)').fill(deal);
  await panel.getByLabel('Deal value').fill('4800');
  await page.getByTestId('create-contact-submit').click();

  await expect(page.getByText('Contact created and linked')).toBeVisible();
  await expect(panel.getByTestId('crm-contact')).toHaveText('Olga Petrova');
  await expect(panel.getByTestId('crm-deal')).toHaveText(deal);

  // The deal moves to another stage from the panel, and a note lands on it.
  await panel.getByTestId('crm-stage').selectOption({ label: 'Proposal' });
  await panel.getByTestId('crm-move').click();
  await expect(page.getByText('Deal moved to Proposal')).toBeVisible();
  await expect(panel.getByTestId('crm-move')).toHaveCount(0);
  await panel.getByTestId('crm-note').fill('Wants the seats from March');
  await panel.getByTestId('crm-note-add').click();
  await expect(page.getByText('Note added')).toBeVisible();
  await expect(panel.getByTestId('crm-note')).toHaveValue('');

  // The panel's links lead to the records, which show the move and the note.
  await panel.getByTestId('crm-deal').click();
  await expect(page).toHaveURL(/\/deals\/\d+$/);
  await expect(page.getByRole('heading', { name: deal })).toBeVisible();
  await expect(page.getByTestId('stage-history')).toContainText('Proposal');
  await expect(page.getByText('Wants the seats from March').first()).toBeVisible();
  await page.goBack();
  await expect(panel.getByTestId('crm-contact')).toBeVisible();
  await panel.getByTestId('crm-contact').click();
  await expect(page).toHaveURL(/\/contacts\/\d+$/);
  await expect(page.getByRole('heading', { name: 'Olga Petrova' })).toBeVisible();

  // And the lists have them.
  await gotoReady(page, '/contacts');
  await expect(page.getByRole('link', { name: 'Olga Petrova' })).toBeVisible();
  await gotoReady(page, '/deals');
  await expect(page.getByRole('link', { name: deal })).toBeVisible();

  // Reopened, the chat keeps its links.
  await gotoReady(page, `/inbox?c=${chat}`);
  await expect(page.getByTestId('crm-contact')).toHaveText('Olga Petrova');
  await expect(page.getByTestId('crm-deal')).toHaveText(deal);
});

// Stops and restarts its own server.
test('the inbox reconnects after a restart and catches up on messages sent meanwhile', async ({ page }) => {
  const server = new OwnServer(3204);
  await server.start();
  try {
    await signUp(page, { workspace: 'Inbox Restart' }, server.url);
    const bot = await newBot();
    await gotoReady(page, `${server.url}/inbox`);
    await connectBot(page, bot);
    await expect(indicator(page)).toHaveAttribute('data-state', 'connected');
    // The poller is running: a first message arrives.
    await inject(bot, newUser('Pavel'), 'Before the restart');
    await expect(chatRow(page, 'Pavel')).toBeVisible({ timeout: 20_000 });

    await server.stop();
    await expect(indicator(page)).toHaveAttribute('data-state', /reconnecting|offline/);

    // Telegram keeps the update until Parley asks for it.
    await inject(bot, newUser('Quinn'), 'Written while Parley was down');

    await server.start();
    await expect(indicator(page)).toHaveAttribute('data-state', 'connected', { timeout: 20_000 });
    // A server that stops releases its bots' leases, so the restarted one polls at once.
    const row = chatRow(page, 'Quinn');
    await expect(row).toBeVisible({ timeout: 20_000 });
    await expect(row).toContainText('Written while Parley was down');
    await expect(page.getByTestId(`chat-unread-${await idOf(row)}`)).toHaveText('1');
    await expect(chatRow(page, 'Pavel')).toBeVisible();
  } finally {
    await server.stop();
  }
});

test('a rep sends a photo with a caption and a document from the composer', async ({ page }) => {
  await signUp(page, { workspace: 'Inbox Files' });
  const bot = await newBot();
  await gotoReady(page, '/inbox');
  await connectBot(page, bot);
  await inject(bot, newUser('Rita'), 'Can you send me the price list?');
  const row = chatRow(page, 'Rita');
  await expect(row).toBeVisible({ timeout: 20_000 });
  await row.click();
  const pane = page.getByTestId('conversation-pane');

  // A 1×1 PNG, picked with the paperclip; the text becomes its caption.
  const png = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAAC0lEQVR4nGNgAAIAAAUAAXpeqz8AAAAASUVORK5CYII=',
    'base64',
  );
  await page.getByTestId('composer-attach').setInputFiles({ name: 'prices.png', mimeType: 'image/png', buffer: png });
  await expect(page.getByTestId('composer-file')).toContainText('prices.png');
  await page.getByTestId('composer-input').fill('Here are our prices');
  await page.getByTestId('composer-send').click();
  const photo = pane.locator('.message--out', { hasText: 'Here are our prices' });
  await expect(photo).toHaveCount(1);
  await expect(page.getByTestId('composer-file')).toHaveCount(0);
  await expect(page.getByTestId(`message-state-${await idOf(photo)}`)).toHaveAttribute('data-state', 'sent', {
    timeout: 20_000,
  });
  // The preview is served from the media store to the signed-in member.
  const img = photo.locator('.message__photo img');
  await expect(img).toBeVisible();
  await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(1);

  // A document needs no caption; picking one and removing it sends nothing.
  await page.getByTestId('composer-attach').setInputFiles({ name: 'wrong.txt', mimeType: 'text/plain', buffer: Buffer.from('oops') });
  await page.getByRole('button', { name: 'Remove the file' }).click();
  await expect(page.getByTestId('composer-file')).toHaveCount(0);
  const pdf = Buffer.from('%PDF-1.4 terms of the offer');
  await page.getByTestId('composer-attach').setInputFiles({ name: 'terms.pdf', mimeType: 'application/pdf', buffer: pdf });
  await page.getByTestId('composer-send').click();
  const doc = pane.locator('.message--out', { has: page.locator('.message__file', { hasText: 'terms.pdf' }) });
  await expect(doc).toHaveCount(1);
  await expect(page.getByTestId(`message-state-${await idOf(doc)}`)).toHaveAttribute('data-state', 'sent', {
    timeout: 20_000,
  });
  await expect
    .poll(async () => (await sent(bot)).map((m) => m.kind))
    .toEqual(['photo', 'document']);
});
