// A real OpenID Connect provider for Frontdoor's single sign-on tests: the OpenID-certified `oidc-provider`,
// on a free port of 127.0.0.1, with its development sign-in pages (any login and password; the login is the
// person's subject, and their email when it has an @).
//
// Environment:
//   OIDC_CLIENT_SECRET   the secret of the client `frontdoor`
//   OIDC_GROUPS          JSON: {"login": ["group", ...]}, the groups claim of each login
//
// It prints `listening http://127.0.0.1:PORT` once it answers. Besides the provider's own endpoints it has a few
// for the tests to play an attacker or a broken provider with, each affecting the next response it names only:
//   POST /test/next-token/forged    the next token response's id_token is re-signed with a key of nobody's
//   POST /test/next-token/expired   the next token response's id_token expired ten minutes ago (validly signed)
//   POST /test/next-callback/wrong-state   the next redirect back to Frontdoor carries a state it never made
//   GET  /test/last-callback        the last redirect back to Frontdoor (code and state), to replay it
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import Provider from 'oidc-provider';
import * as jose from 'jose';

const groups = JSON.parse(process.env.OIDC_GROUPS || '{}');
const secret = process.env.OIDC_CLIENT_SECRET || 'frontdoor-test-secret';

const signing = await jose.generateKeyPair('RS256', { extractable: true });
const privateJwk = { ...(await jose.exportJWK(signing.privateKey)), kid: 'frontdoor-test', alg: 'RS256', use: 'sig' };
// A key nobody published, under the same key id: a forger's.
const forger = await jose.generateKeyPair('RS256', { extractable: true });

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const callback = /^http:\/\/127\.0\.0\.1:\d+\/sign-in\/oidc\/callback$/;

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'frontdoor',
    client_secret: secret,
    // Frontdoor listens on a port chosen when the test starts it: any 127.0.0.1 port's callback is allowed
    // (below); the one registered here only satisfies the schema.
    redirect_uris: ['http://127.0.0.1/sign-in/oidc/callback'],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [privateJwk] },
  pkce: { required: () => true },
  // The claims a scope grants go into the id_token (Frontdoor reads the id_token, not the userinfo endpoint).
  conformIdTokenClaims: false,
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    groups: ['groups'],
  },
  findAccount: async (ctx, id) => ({
    accountId: id,
    claims: async () => ({
      sub: id,
      ...(id.includes('@') ? { email: id, email_verified: true } : {}),
      name: id,
      groups: groups[id] || [],
    }),
  }),
  features: { devInteractions: { enabled: true } },
  cookies: { keys: [randomUUID()] },
});
provider.proxy = false;
provider.Client.prototype.redirectUriAllowed = function redirectUriAllowed(uri) {
  return callback.test(uri);
};

let nextToken = 'real';
let nextCallback = 'real';
let lastCallback = null;

provider.use(async (ctx, next) => {
  if (ctx.path.startsWith('/test/')) {
    const [, , what, how] = ctx.path.split('/');
    if (ctx.method === 'POST' && what === 'next-token' && ['forged', 'expired'].includes(how)) {
      nextToken = how;
      ctx.status = 204;
    } else if (ctx.method === 'POST' && what === 'next-callback' && how === 'wrong-state') {
      nextCallback = how;
      ctx.status = 204;
    } else if (ctx.method === 'GET' && what === 'last-callback') {
      ctx.body = { url: lastCallback };
    } else {
      ctx.status = 404;
    }
    return;
  }
  await next();
  if (ctx.path === '/token' && ctx.status === 200 && ctx.body && ctx.body.id_token && nextToken !== 'real') {
    const claims = jose.decodeJwt(ctx.body.id_token);
    const now = Math.floor(Date.now() / 1000);
    const key = nextToken === 'forged' ? forger.privateKey : signing.privateKey;
    const payload = nextToken === 'expired' ? { ...claims, iat: now - 1200, exp: now - 600 } : claims;
    ctx.body = {
      ...ctx.body,
      id_token: await new jose.SignJWT(payload)
        .setProtectedHeader({ alg: 'RS256', kid: 'frontdoor-test', typ: 'JWT' })
        .sign(key),
    };
    nextToken = 'real';
  }
  const location = ctx.response.get('location');
  if (location && callback.test(location.split('?')[0])) {
    const url = new URL(location);
    if (nextCallback === 'wrong-state') {
      url.searchParams.set('state', randomUUID());
      ctx.redirect(url.toString());
      nextCallback = 'real';
    }
    lastCallback = url.toString();
  }
});

server.on('request', provider.callback());
console.log(`listening ${issuer}`);
