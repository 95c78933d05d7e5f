import { expect, Page } from '@playwright/test';
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fakeTelegramUrl } from '../playwright.config';

const root = path.resolve(__dirname, '../..');
const serverBin = process.env.PARLEY_BIN ?? path.join(root, 'target/release/parley');
const siteRoot = process.env.PARLEY_SITE_ROOT ?? path.join(root, 'target/site');

let counter = 0;
export function uniqueEmail(prefix = 'rep'): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}@example.com`;
}

/** Opens a page and waits until it has hydrated (its forms are live). */
export async function gotoReady(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
}

export interface Account {
  email: string;
  password: string;
  workspace: string;
}

/** Signs up through the form and waits for Home. */
export async function signUp(page: Page, overrides: Partial<Account> = {}, base = ''): Promise<Account> {
  const account = {
    email: overrides.email ?? uniqueEmail(),
    password: overrides.password ?? 'correct horse battery',
    workspace: overrides.workspace ?? 'Acme Sales',
  };
  await gotoReady(page, `${base}/signup`);
  await page.getByLabel('Your name').fill('Riley Rep');
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByLabel('Workspace name').fill(account.workspace);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { name: 'Home' })).toBeVisible();
  await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
  return account;
}

export async function signIn(page: Page, account: Account): Promise<void> {
  await gotoReady(page, '/signin');
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Home' })).toBeVisible();
  await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
}

/** The header's realtime indicator. */
export function indicator(page: Page) {
  return page.getByTestId('realtime');
}

/** A Parley server this test controls (to stop and restart it). */
export class OwnServer {
  proc?: ChildProcess;
  constructor(readonly port: number, readonly dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-own-'))) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.proc = spawn(serverBin, [], {
      env: {
        ...process.env,
        PARLEY_ADDR: `127.0.0.1:${this.port}`,
        PARLEY_DATA_DIR: this.dataDir,
        PARLEY_SITE_ROOT: siteRoot,
        // The suite's fake Telegram Bot API, as for the shared server.
        PARLEY_TELEGRAM_API_BASE: fakeTelegramUrl,
        RUST_LOG: 'warn',
      },
      stdio: 'inherit',
    });
    for (let i = 0; i < 200; i++) {
      try {
        const res = await fetch(`${this.url}/readyz`);
        if (res.ok) return;
      } catch {
        // not up yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`server on ${this.port} did not start`);
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
  }
}
