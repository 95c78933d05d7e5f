import { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { gotoReady, indicator, signUp } from './helpers';

/** A board column by its stage name. */
function column(page: Page, stage: string): Locator {
  return page.locator('.board__column', { has: page.locator('.board__name', { hasText: new RegExp(`^${stage}$`) }) });
}

/** The stage names on the settings page, in order. */
function stageNames(page: Page): Promise<string[]> {
  return page
    .getByTestId('stages')
    .locator('input[name="stage-name"]')
    .evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));
}

function card(page: Page, title: string): Locator {
  return page.locator('.deal-card', { hasText: title });
}

async function createDeal(page: Page, title: string, stage: string) {
  await gotoReady(page, '/deals/new');
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Value').fill('1000');
  await page.getByLabel('Stage').selectOption({ label: stage });
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { name: title })).toBeVisible();
}

/** Drags with the real mouse, in small steps, from the centre of `from` to the centre of `to`. */
async function drag(page: Page, from: Locator, to: Locator) {
  const a = await from.boundingBox();
  const b = await to.boundingBox();
  if (!a || !b) throw new Error('nothing to drag');
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2 + 10, a.y + a.height / 2 + 10, { steps: 4 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
  await page.mouse.up();
}

test('an admin shapes a pipeline; deals move by mouse and keyboard, live, with history', async ({ page, browser }) => {
  const account = await signUp(page, { workspace: 'Board' });

  // A pipeline with four stages; two reordered, one renamed.
  await gotoReady(page, '/settings/pipelines');
  await page.getByPlaceholder('New pipeline').fill('Partners');
  await page.locator('.pipelines__new').getByRole('button', { name: 'Create' }).click();
  await expect(page.getByRole('button', { name: 'Partners' })).toHaveAttribute('aria-current', 'true');
  await expect(page.getByText('No stages yet')).toBeVisible();
  for (const name of ['Intro', 'Pitch', 'Trial', 'Signed']) {
    await page.getByLabel('Stage name', { exact: true }).last().fill(name);
    await page.getByRole('button', { name: 'Add stage' }).click();
    await expect(page.getByTestId('stages').locator('input[name="stage-name"]').last()).toHaveValue(name);
  }
  // Reorder: Trial above Pitch by keyboard on its handle.
  await page.getByRole('button', { name: /^Trial — Drag to move/ }).focus();
  await page.keyboard.press('ArrowUp');
  await expect(page.getByText('Order saved').first()).toBeVisible();
  // Rename Signed.
  await page.getByTestId('stages').locator('input[name="stage-name"]').nth(3).fill('Closed');
  await page.locator('.stages__row').nth(3).getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Saved').first()).toBeVisible();
  await page.reload();
  await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
  await page.getByRole('button', { name: 'Partners' }).click();
  await expect.poll(() => stageNames(page)).toEqual(['Intro', 'Trial', 'Pitch', 'Closed']);

  // Two deals in the new pipeline.
  await createDeal(page, 'Globex rollout', 'Partners · Intro');
  await createDeal(page, 'Initech pilot', 'Partners · Intro');

  // A second browser context watches the same board.
  const other = await browser.newContext();
  const watcher = await other.newPage();
  await gotoReady(watcher, '/signin');
  await watcher.getByLabel('Email').fill(account.email);
  await watcher.getByLabel('Password').fill(account.password);
  await watcher.getByRole('button', { name: 'Sign in' }).click();
  await expect(watcher.getByRole('heading', { name: 'Home' })).toBeVisible();

  await gotoReady(page, '/board');
  await page.getByRole('combobox', { name: 'Pipeline' }).selectOption({ label: 'Partners' });
  await expect(column(page, 'Intro').locator('.deal-card')).toHaveCount(2);
  const boardUrl = page.url();
  await gotoReady(watcher, boardUrl);
  await expect(column(watcher, 'Intro').locator('.deal-card')).toHaveCount(2);
  await expect(column(page, 'Intro').getByTestId('column-count')).toHaveText('2');

  // Mouse: Globex from the first column (Intro) to the third (Pitch).
  await drag(page, card(page, 'Globex rollout'), column(page, 'Pitch'));
  await expect(column(page, 'Pitch').locator('.deal-card', { hasText: 'Globex rollout' })).toBeVisible();
  await expect(column(watcher, 'Pitch').locator('.deal-card', { hasText: 'Globex rollout' })).toBeVisible();
  await expect(column(page, 'Pitch').getByTestId('column-count')).toHaveText('1');
  await expect(column(watcher, 'Intro').getByTestId('column-count')).toHaveText('1');

  // Keyboard only: back from Pitch to Intro (two columns left), announced.
  await card(page, 'Globex rollout').focus();
  await page.keyboard.press('Space');
  await expect(page.getByTestId('board-announcer')).toContainText('Lifted Globex rollout');
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('board-announcer')).toContainText('Moved to Trial');
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('board-announcer')).toContainText('Moved to Intro');
  await page.keyboard.press('Space');
  await expect(page.getByTestId('board-announcer')).toContainText('Dropped in Intro');
  await expect(column(page, 'Intro').locator('.deal-card', { hasText: 'Globex rollout' })).toBeVisible();
  await expect(column(watcher, 'Intro').locator('.deal-card', { hasText: 'Globex rollout' })).toBeVisible();
  await expect(column(watcher, 'Pitch').locator('.deal-card')).toHaveCount(0);

  // Escape puts a lifted card back.
  await card(page, 'Initech pilot').focus();
  await page.keyboard.press('Enter');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('board-announcer')).toContainText('Move cancelled');
  await expect(column(page, 'Intro').locator('.deal-card', { hasText: 'Initech pilot' })).toBeVisible();

  // The deal's history lists both moves.
  await card(page, 'Globex rollout').getByRole('link').click();
  await expect(page.getByRole('heading', { name: 'Globex rollout' })).toBeVisible();
  const history = page.getByTestId('stage-history');
  await expect(history.locator('li')).toHaveCount(3);
  await expect(history.locator('li').nth(0)).toContainText('Pitch → Intro');
  await expect(history.locator('li').nth(1)).toContainText('Intro → Pitch');
  await expect(history.locator('li').nth(2)).toContainText('Created in Intro');

  // Deleting a stage with deals asks where they go; they appear there.
  await gotoReady(page, '/settings/pipelines');
  await page.getByRole('button', { name: 'Partners' }).click();
  const introRow = page.locator('.stages__row').nth(0);
  await introRow.getByRole('button', { name: 'Delete stage' }).click();
  const dialog = introRow.getByRole('dialog');
  await expect(dialog.getByLabel('Move its deals to')).toBeVisible();
  await dialog.getByLabel('Move its deals to').selectOption({ label: 'Closed' });
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByText('Deleted').first()).toBeVisible();
  await expect.poll(() => stageNames(page)).toEqual(['Trial', 'Pitch', 'Closed']);
  await expect(column(watcher, 'Closed').locator('.deal-card')).toHaveCount(2);
  await expect(column(watcher, 'Intro')).toHaveCount(0);

  await other.close();
});

test('a move the server refuses rolls back with a toast', async ({ page }) => {
  await signUp(page, { workspace: 'Refusals' });
  await createDeal(page, 'Doomed move', 'Sales · New');
  // This page hears nothing live, so its board keeps showing a stage deleted meanwhile.
  await page.routeWebSocket(/\/ws$/, () => {});
  await gotoReady(page, '/board');
  await expect(card(page, 'Doomed move')).toBeVisible();
  const qualified = await column(page, 'Qualified').getAttribute('data-stage-id');
  const session = (await page.context().cookies()).find((c) => c.name === 'parley_session')!.value;
  const res = await page.request.delete(`/api/pipeline/stages/${qualified}`, { headers: { Authorization: `Bearer ${session}` } });
  expect(res.status()).toBe(204);
  // Move into the deleted stage by keyboard: refused, rolled back, with a toast.
  await card(page, 'Doomed move').focus();
  await page.keyboard.press('Space');
  await page.keyboard.press('ArrowRight');
  await expect(column(page, 'Qualified').locator('.deal-card', { hasText: 'Doomed move' })).toBeVisible();
  await page.keyboard.press('Space');
  await expect(page.locator('.toast', { hasText: 'The move was refused' })).toBeVisible();
  await expect(column(page, 'New').locator('.deal-card', { hasText: 'Doomed move' })).toBeVisible();
  await expect(column(page, 'Qualified').locator('.deal-card')).toHaveCount(0);
});

test('a deal moves by touch, dragged by its grip', async ({ page }) => {
  await signUp(page, { workspace: 'Touch' });
  await createDeal(page, 'Tablet deal', 'Sales · New');
  await gotoReady(page, '/board');
  const grip = card(page, 'Tablet deal').locator('.deal-card__grip');
  const from = (await grip.boundingBox())!;
  const to = (await column(page, 'Qualified').boundingBox())!;
  const start = { x: from.x + from.width / 2, y: from.y + from.height / 2 };
  const end = { x: to.x + to.width / 2, y: to.y + to.height / 2 };
  // A finger: touch pointer events, as a touchscreen browser sends them.
  const touch = { pointerType: 'touch', pointerId: 7, isPrimary: true, button: 0, bubbles: true };
  await grip.dispatchEvent('pointerdown', { ...touch, clientX: start.x, clientY: start.y });
  for (let i = 1; i <= 8; i++) {
    const x = start.x + ((end.x - start.x) * i) / 8;
    const y = start.y + ((end.y - start.y) * i) / 8;
    await page.evaluate(
      ({ init, x, y }) => window.dispatchEvent(new PointerEvent('pointermove', { ...init, clientX: x, clientY: y })),
      { init: touch, x, y },
    );
  }
  await page.evaluate(
    ({ init, x, y }) => window.dispatchEvent(new PointerEvent('pointerup', { ...init, clientX: x, clientY: y })),
    { init: touch, x: end.x, y: end.y },
  );
  await expect(column(page, 'Qualified').locator('.deal-card', { hasText: 'Tablet deal' })).toBeVisible();
  await expect(column(page, 'Qualified').getByTestId('column-count')).toHaveText('1');
  // The server has it: still there after a reload.
  await gotoReady(page, '/board');
  await expect(column(page, 'Qualified').locator('.deal-card', { hasText: 'Tablet deal' })).toBeVisible();
});

test('a board that missed moves while offline catches up on reconnect', async ({ page, browser }) => {
  const account = await signUp(page, { workspace: 'Offline' });
  await createDeal(page, 'Roaming deal', 'Sales · New');
  const other = await browser.newContext();
  const watcher = await other.newPage();
  // The watcher's live stream goes through this route, so the test can cut it.
  let offline = false;
  const sockets: { close: () => Promise<void> }[] = [];
  await watcher.routeWebSocket(/\/ws$/, (ws) => {
    if (offline) {
      void ws.close();
      return;
    }
    ws.connectToServer();
    sockets.push(ws);
  });
  await gotoReady(watcher, '/signin');
  await watcher.getByLabel('Email').fill(account.email);
  await watcher.getByLabel('Password').fill(account.password);
  await watcher.getByRole('button', { name: 'Sign in' }).click();
  await expect(watcher.getByRole('heading', { name: 'Home' })).toBeVisible();
  await gotoReady(watcher, '/board');
  await expect(indicator(watcher)).toHaveAttribute('data-state', 'connected');
  await expect(column(watcher, 'New').locator('.deal-card', { hasText: 'Roaming deal' })).toBeVisible();

  offline = true;
  for (const s of sockets.splice(0)) await s.close();
  await expect(indicator(watcher)).toHaveAttribute('data-state', /reconnecting|offline/);
  // Moved elsewhere while the watcher hears nothing.
  await gotoReady(page, '/board');
  await drag(page, card(page, 'Roaming deal'), column(page, 'Proposal'));
  await expect(column(page, 'Proposal').locator('.deal-card', { hasText: 'Roaming deal' })).toBeVisible();
  await watcher.waitForTimeout(500);
  await expect(column(watcher, 'New').locator('.deal-card', { hasText: 'Roaming deal' })).toBeVisible();

  offline = false;
  await expect(indicator(watcher)).toHaveAttribute('data-state', 'connected', { timeout: 20_000 });
  await expect(column(watcher, 'Proposal').locator('.deal-card', { hasText: 'Roaming deal' })).toBeVisible();
  await expect(column(watcher, 'New').locator('.deal-card')).toHaveCount(0);
  await other.close();
});
