// A real OpenID provider for the tests: node's oidc-provider (a certified implementation) on
// loopback, with its development sign-in page (any password; the login name picks the account).
//
// Environment: PORT, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, POST_LOGOUT_REDIRECT_URI and
// ACCOUNTS (JSON: login name -> claims such as groups and email).
//
// Two test-only controls, reachable on loopback only like the rest of it:
//   POST /test/accounts  {"login": {...claims}}  replaces an account's claims (a person moved group)
//   POST /test/tamper    {"mode": "aud"|"expired"|"unsigned"|""}  spoils the next id_tokens it
//     issues in one way, re-signed with its own key, so the portal meets a token that is wrong in
//     exactly that way and in no other.
import * as jose from 'jose';
import Provider from 'oidc-provider';

const env = process.env;
const port = Number(env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const accounts = JSON.parse(env.ACCOUNTS);
let tamper = '';

const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
const signingJwk = { ...(await jose.exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };

const provider = new Provider(issuer, {
  clients: [{
    client_id: env.CLIENT_ID,
    client_secret: env.CLIENT_SECRET,
    redirect_uris: [env.REDIRECT_URI],
    post_logout_redirect_uris: [env.POST_LOGOUT_REDIRECT_URI],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [signingJwk] },
  cookies: { keys: ['test-only-cookie-key'] },
  claims: {
    openid: ['sub'],
    email: ['email'],
    profile: ['name', 'preferred_username'],
    groups: ['groups'],
  },
  async findAccount(ctx, id) {
    if (!accounts[id]) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, preferred_username: id, ...accounts[id] }) };
  },
  // A hospital's own staff tool: no consent screen, as a first-party application gets.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope(ctx.oidc.requestParamScopes ? [...ctx.oidc.requestParamScopes].join(' ') : 'openid');
    await grant.save();
    return grant;
  },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  pkce: { required: () => true },
});

async function readJson(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString() || '{}');
}

function b64(value) {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

async function spoiled(idToken) {
  const claims = jose.decodeJwt(idToken);
  if (tamper === 'unsigned') return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
  if (tamper === 'aud') claims.aud = 'some-other-application';
  if (tamper === 'expired') {
    claims.iat -= 7200;
    claims.exp = claims.iat + 600;
  }
  const key = await jose.importJWK(signingJwk, 'RS256');
  return new jose.SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: signingJwk.kid }).sign(key);
}

provider.use(async (ctx, next) => {
  if (ctx.method === 'POST' && ctx.path === '/test/accounts') {
    Object.assign(accounts, await readJson(ctx.req));
    ctx.body = { ok: true };
    return;
  }
  if (ctx.method === 'POST' && ctx.path === '/test/tamper') {
    tamper = (await readJson(ctx.req)).mode || '';
    ctx.body = { ok: true };
    return;
  }
  await next();
  if (ctx.path === '/token' && tamper && ctx.body?.id_token) {
    ctx.body = { ...ctx.body, id_token: await spoiled(ctx.body.id_token) };
  }
});

provider.listen(port, '127.0.0.1', () => console.log(`oidc-provider listening on ${issuer}`));
