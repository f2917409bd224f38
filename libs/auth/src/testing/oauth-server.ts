// A real OAuth 2 authorization server on loopback (oidc-provider) for the tests of OAuth clients: a
// confidential client with the test client id and secret, authorization code with PKCE (S256
// required), refresh tokens (rotated by default), RFC 7009 revocation, interactions approved at
// once for one fixed account. `followAuthorization` plays the browser.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
// @ts-expect-error oidc-provider ships no type declarations
import Provider from 'oidc-provider';

export interface OAuthServerOptions {
  clientId: string;
  clientSecret: string;
  /** The redirect URI registered for the client (the service's callback). */
  redirectUri: string;
  /** Scopes the server knows; requests may ask for any of them. */
  scopes?: readonly string[];
  /** Lifetime of access tokens in seconds (default 3600). */
  accessTokenTtlSeconds?: number;
  /** How the client authenticates at the token and revocation endpoints (default client_secret_post). */
  clientAuth?: 'client_secret_post' | 'client_secret_basic';
  /**
   * `rotate` (default): each refresh answers a new refresh token and consumes the old one (a reused
   * one revokes the grant). `omit`: refreshes answer no refresh token and the old one stays valid
   * (as Google does).
   */
  refreshTokens?: 'rotate' | 'omit';
}

export interface OAuthServer {
  readonly issuer: string;
  readonly authorizationUrl: string;
  readonly tokenUrl: string;
  readonly revocationUrl: string;
  /** The grant_type of every request the token endpoint received, in order. */
  tokenRequests(): string[];
  /** The user revokes the app at the provider: every grant, refresh token and access token is gone. */
  revokeAll(): void;
  /** Answers the next `count` token requests with this status and body (a provider outage). */
  failNextTokenRequests(count: number, status: number, body?: string): void;
  /** Holds every token response this long (callers racing for one refresh overlap). */
  delayTokenResponses(ms: number): void;
  close(): Promise<void>;
}

export const TEST_ACCOUNT_ID = 'test-account-1';
const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'Grant']);

interface Stored {
  payload: Record<string, unknown>;
  expiresAt: number;
}

/** oidc-provider's storage for one server, so the test can revoke everything it issued. */
function createStore() {
  const entries = new Map<string, Stored>();
  const live = (key: string) => {
    const entry = entries.get(key);
    if (entry && entry.expiresAt <= Date.now()) entries.delete(key);
    return entries.get(key)?.payload;
  };
  const adapter = (model: string) => ({
    async upsert(id: string, payload: Record<string, unknown>, expiresIn?: number) {
      entries.set(`${model}:${id}`, { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : Infinity });
      if (typeof payload.uid === 'string') entries.set(`uid:${payload.uid}`, { payload: { id }, expiresAt: Infinity });
    },
    find: async (id: string) => live(`${model}:${id}`),
    async findByUid(uid: string) {
      const id = live(`uid:${uid}`)?.id;
      return typeof id === 'string' ? live(`${model}:${id}`) : undefined;
    },
    findByUserCode: async () => undefined,
    async consume(id: string) {
      const payload = live(`${model}:${id}`);
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    },
    async destroy(id: string) {
      entries.delete(`${model}:${id}`);
    },
    async revokeByGrantId(grantId: string) {
      for (const [key, entry] of entries) if (entry.payload.grantId === grantId) entries.delete(key);
    },
  });
  const revokeAll = () => {
    for (const key of entries.keys()) if (GRANTABLE.has(key.slice(0, key.indexOf(':')))) entries.delete(key);
  };
  return { adapter, revokeAll };
}

function createProvider(
  issuer: string,
  options: OAuthServerOptions,
  adapter: ReturnType<typeof createStore>['adapter'],
  grantTypes: string[],
): any {
  const rotate = (options.refreshTokens ?? 'rotate') === 'rotate';
  const provider = new Provider(issuer, {
    adapter,
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        redirect_uris: [options.redirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: options.clientAuth ?? 'client_secret_post',
      },
    ],
    findAccount: (_ctx: unknown, sub: string) => ({ accountId: sub, claims: () => ({ sub }) }),
    scopes: ['offline_access', ...(options.scopes ?? [])],
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false }, revocation: { enabled: true } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    // Providers like HubSpot issue a refresh token with every code, whatever the scopes.
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) =>
      client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: rotate,
    ttl: {
      AccessToken: options.accessTokenTtlSeconds ?? 3600,
      AuthorizationCode: 60,
      RefreshToken: 14 * 86_400,
      Grant: 14 * 86_400,
      Interaction: 600,
      Session: 3600,
    },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    jwks: { keys: [generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' })] },
  });
  // Counts what reached the token endpoint (after oidc-provider parsed it), successful or not.
  provider.use(async (ctx: any, next: () => Promise<void>) => {
    try {
      await next();
    } finally {
      if (ctx.path === '/token' && ctx.method === 'POST') grantTypes.push(String(ctx.oidc?.params?.grant_type));
    }
    if (!rotate && ctx.path === '/token' && ctx.oidc?.params?.grant_type === 'refresh_token' && ctx.body) {
      delete ctx.body.refresh_token;
    }
  });

  return provider;
}

export async function startOAuthServer(options: OAuthServerOptions): Promise<OAuthServer> {
  const store = createStore();
  const grantTypes: string[] = [];
  let failures: { count: number; status: number; body: string } = { count: 0, status: 503, body: '' };
  let tokenDelayMs = 0;

  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = createProvider(issuer, options, store.adapter, grantTypes);

  // Logs in the fixed account and grants every scope asked for: login and consent in one step.
  const approve = async (req: IncomingMessage, res: ServerResponse) => {
    const details = await provider.interactionDetails(req, res);
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: TEST_ACCOUNT_ID, clientId: details.params.client_id });
    if (typeof details.params.scope === 'string') grant.addOIDCScope(details.params.scope);
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { login: { accountId: TEST_ACCOUNT_ID }, consent: { grantId } });
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.url?.startsWith('/interaction/')) return approve(req, res);
    if (req.url === '/token' && tokenDelayMs > 0) await sleep(tokenDelayMs);
    if (req.url === '/token' && failures.count > 0) {
      failures.count -= 1;
      grantTypes.push('(failed)');
      res.writeHead(failures.status, { 'content-type': 'application/json' }).end(failures.body);
      return;
    }
    provider.callback()(req, res);
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });

  return {
    issuer,
    authorizationUrl: `${issuer}/auth`,
    tokenUrl: `${issuer}/token`,
    revocationUrl: `${issuer}/token/revocation`,
    tokenRequests: () => [...grantTypes],
    revokeAll: store.revokeAll,
    failNextTokenRequests(count, status, body = '') {
      failures = { count, status, body };
    },
    delayTokenResponses(ms) {
      tokenDelayMs = ms;
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/**
 * The user's browser: follows `authorizationUrl` through the server's redirects and interactions,
 * carrying its cookies, until a redirect leaves for `callbackPrefix`; answers that URL (with code
 * and state, or error).
 */
export async function followAuthorization(authorizationUrl: string, callbackPrefix: string): Promise<URL> {
  const cookies = new Map<string, string>();
  let url = new URL(authorizationUrl);
  for (let hop = 0; hop < 10; hop += 1) {
    const response = await fetch(url, {
      redirect: 'manual',
      headers: { cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') },
    });
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const at = pair!.indexOf('=');
      cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
    const location = response.headers.get('location');
    if (!location)
      throw new Error(`authorization stopped at ${url.pathname}: ${response.status} ${await response.text()}`);
    url = new URL(location, url);
    if (url.href.startsWith(callbackPrefix)) return url;
  }
  throw new Error('authorization did not reach the callback');
}
