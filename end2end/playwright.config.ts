import { defineConfig } from '@playwright/test';
import * as os from 'os';
import * as path from 'path';
import * as fs from 'fs';

// The suite runs against the release build. scripts/test.sh builds it first; PARLEY_BIN and
// PARLEY_SITE_ROOT point elsewhere when needed.
const root = path.resolve(__dirname, '..');
export const serverBin = process.env.PARLEY_BIN ?? path.join(root, 'target/release/parley');
export const siteRoot = process.env.PARLEY_SITE_ROOT ?? path.join(root, 'target/site');
const port = Number(process.env.PARLEY_E2E_PORT ?? 3100);
// The fake Telegram Bot API server (the workspace's fake-telegram crate) the inbox tests
// drive: Parley talks to it as it would to api.telegram.org.
export const fakeTelegramBin =
  process.env.FAKE_TELEGRAM_BIN ?? path.join(root, 'target/release/fake-telegram');
export const fakeTelegramPort = Number(process.env.FAKE_TELEGRAM_PORT ?? 3181);
export const fakeTelegramUrl = `http://127.0.0.1:${fakeTelegramPort}`;
// The SMTP server Parley sends email to in these tests (smtp-sink.mjs), and its HTTP side the
// tests read messages from.
export const smtpSinkPort = Number(process.env.SMTP_SINK_PORT ?? 3125);
export const smtpSinkUrl = `http://127.0.0.1:${Number(process.env.SMTP_SINK_HTTP_PORT ?? 3126)}`;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-e2e-'));

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: [
    {
      command: 'node smtp-sink.mjs',
      url: `${smtpSinkUrl}/messages`,
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
      command: `${fakeTelegramBin} --addr 127.0.0.1:${fakeTelegramPort}`,
      // A bot registered at start answers the readiness probe.
      url: `${fakeTelegramUrl}/_control/sent?token=1000001:e2e-ready`,
      reuseExistingServer: false,
      timeout: 30_000,
      env: { FAKE_TELEGRAM_BOTS: '1000001:e2e-ready=e2e_ready_bot', RUST_LOG: 'warn' },
    },
    {
      command: serverBin,
      url: `http://127.0.0.1:${port}/readyz`,
      reuseExistingServer: false,
      timeout: 60_000,
      env: {
        PARLEY_ADDR: `127.0.0.1:${port}`,
        PARLEY_DATA_DIR: dataDir,
        PARLEY_SITE_ROOT: siteRoot,
        PARLEY_TELEGRAM_API_BASE: fakeTelegramUrl,
        PARLEY_SMTP_HOST: '127.0.0.1',
        PARLEY_SMTP_PORT: String(smtpSinkPort),
        PARLEY_SMTP_TLS: 'none',
        PARLEY_MAIL_FROM: 'Parley <parley@example.com>',
        // Telegram user accounts talk to the simulated Telegram (the boundary's test
        // implementation, in the server's process), driven through /api/simulated-telegram.
        PARLEY_TELEGRAM_USER_BACKEND: 'simulated',
        PARLEY_TELEGRAM_HISTORY_PAUSE_MS: '50',
        RUST_LOG: 'warn',
      },
    },
  ],
});
