// A real OpenID provider for the tests (panva's oidc-provider, a certified
// implementation), on a loopback port: discovery, authorization code flow
// with PKCE, signed ID tokens, dynamic client registration.
//
// Any login name signs in (its development login form): the account's
// e-mail address is the login itself, verified — except logins starting
// with "unverified." (email_verified false). Consent is granted at once.
//
// Environment: OIDC_PORT (0: any free port), OIDC_CLIENTS (JSON array of
// clients to know from the start). Prints one line of JSON when it is
// listening: {"issuer": "http://127.0.0.1:PORT"}. With OIDC_EXIT_WITH_STDIN=1
// it exits when its standard input closes, so it never outlives the test
// process that started it (the Rust tests); Playwright stops it itself.
import http from 'node:http';
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT ?? 0);
const clients = JSON.parse(process.env.OIDC_CLIENTS ?? '[]');

const server = http.createServer();
await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients,
  features: {
    devInteractions: { enabled: true },
    registration: { enabled: true },
  },
  pkce: { required: () => true },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  // Claims go into the ID token itself, as many enterprise providers do.
  conformIdTokenClaims: false,
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        const local = id.split('@')[0];
        return {
          sub: id,
          email: id,
          email_verified: !id.startsWith('unverified.'),
          name: local.replace(/[._]/g, ' '),
        };
      },
    };
  },
  // Consent is given at once: the tests sign in, they do not review scopes.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) {
      return ctx.oidc.provider.Grant.find(grantId);
    }
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    grant.addOIDCClaims(['email', 'email_verified', 'name']);
    await grant.save();
    return grant;
  },
  cookies: { keys: [crypto.randomUUID()] },
  // The tests run with this machine's clock; tokens live long enough.
  ttl: { IdToken: 600, AccessToken: 600, AuthorizationCode: 60, Interaction: 600, Session: 600, Grant: 600 },
});
provider.on('server_error', (ctx, err) => console.error('oidc-provider error', err));
server.on('request', provider.callback());

process.stdout.write(JSON.stringify({ issuer }) + '\n');
if (process.env.OIDC_EXIT_WITH_STDIN === '1') {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('close', () => process.exit(0));
  process.stdin.resume();
}
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
