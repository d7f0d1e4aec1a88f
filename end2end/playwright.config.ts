import { defineConfig, devices } from '@playwright/test';
import * as os from 'os';
import * as path from 'path';
import { randomUUID } from 'crypto';

// The server under test: the debug build, on its own port, with a fresh
// SQLite database seeded with the demo data.
const port = process.env.PACTLINE_E2E_PORT ?? '3100';
// localhost, not 127.0.0.1: WebAuthn (passkeys) accepts no IP address as
// the site's identity, and localhost counts as a secure origin over HTTP.
const baseURL = process.env.PACTLINE_E2E_BASE_URL ?? `http://localhost:${port}`;
const dataDir = path.join(os.tmpdir(), `pactline-e2e-${process.pid}`);
// The OpenID provider the single sign-on journey signs in through, with a
// client for this server (its secret made once per run, in the main process,
// and inherited by the workers).
const oidcPort = process.env.PACTLINE_E2E_OIDC_PORT ?? '3199';
process.env.PACTLINE_E2E_OIDC_ISSUER = `http://127.0.0.1:${oidcPort}`;
process.env.PACTLINE_E2E_OIDC_SECRET ??= randomUUID();
const oidcClients = JSON.stringify([{
  client_id: 'pactline-e2e',
  client_secret: process.env.PACTLINE_E2E_OIDC_SECRET,
  redirect_uris: [`${baseURL}/auth/sso/callback`],
  grant_types: ['authorization_code'],
  response_types: ['code'],
}]);
const bin = process.env.PACTLINE_BIN ?? `${process.env.HOME}/.cache/pactline/target/debug/pactline`;

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [['list'], ['json', { outputFile: 'test-results/results.json' }]],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
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
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'] } }],
  webServer: process.env.PACTLINE_E2E_BASE_URL
    ? undefined
    : [{
        command: 'exec node oidc/provider.mjs',
        url: `${process.env.PACTLINE_E2E_OIDC_ISSUER}/.well-known/openid-configuration`,
        timeout: 30_000,
        reuseExistingServer: false,
        stdout: 'ignore',
        stderr: 'ignore',
        env: { OIDC_PORT: oidcPort, OIDC_CLIENTS: oidcClients },
      }, {
        command: `rm -rf '${dataDir}' && exec '${bin}' serve`,
        url: `${baseURL}/healthz`,
        timeout: 120_000,
        reuseExistingServer: false,
        stdout: 'ignore',
        stderr: 'pipe',
        env: {
          PACTLINE_DATA_DIR: dataDir,
          PACTLINE_ADDR: `127.0.0.1:${port}`,
          PACTLINE_BASE_URL: baseURL,
          LEPTOS_SITE_ROOT: path.resolve(__dirname, '../target/site'),
          PACTLINE_LOG: 'warn',
          PACTLINE_DEMO: 'true',
          // Reminders every two seconds, so a test sees one arrive.
          PACTLINE_REMINDER_INTERVAL_SECS: '2',
          // The test identity provider runs on this machine, over HTTP.
          PACTLINE_SSO_ALLOW_HTTP_LOOPBACK: 'true',
          // The tests' webhook receiver listens on this machine.
          PACTLINE_WEBHOOKS_ALLOW_PRIVATE: 'true',
        },
      }],
});
