import { expect, test } from './fixtures';
import { indicator, OwnServer, signUp } from './helpers';

// This test stops and restarts its own server, so it runs on its own port and data folder.
test('after the server restarts the client reconnects and receives what it missed', async ({ page }) => {
  const server = new OwnServer(3201);
  await server.start();
  try {
    const account = await signUp(page, { workspace: 'Steady' }, server.url);
    await expect(indicator(page)).toHaveAttribute('data-state', 'connected');

    await server.stop();
    await expect(indicator(page)).toHaveAttribute('data-state', /reconnecting|offline/);

    // While this client is away, a second instance on the same data makes a change.
    const other = new OwnServer(3202, server.dataDir);
    await other.start();
    const signin = await fetch(`${other.url}/api/auth/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: account.email, password: account.password }),
    });
    expect(signin.status).toBe(200);
    const { accessToken } = await signin.json();
    const rename = await fetch(`${other.url}/api/workspace`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({ name: 'Renamed while away' }),
    });
    expect(rename.status).toBe(200);
    await other.stop();

    await server.start();
    await expect(indicator(page)).toHaveAttribute('data-state', 'connected', { timeout: 20_000 });
    await expect(page.getByText('Workspace renamed to «Renamed while away»')).toBeVisible();
    await expect(page.getByRole('combobox', { name: 'Workspace' })).toContainText('Renamed while away');
  } finally {
    await server.stop();
  }
});
