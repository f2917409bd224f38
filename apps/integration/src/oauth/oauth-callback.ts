import * as oauth from 'oauth4webapi';
import { z } from 'zod';
import { ServiceUnavailableError, ValidationError } from '@bizosaas/ddd-kernel';
import { openBytes } from '@bizosaas/envelope-encryption';
import type { IntegrationContext } from '../context.ts';
import { tenantTransaction } from '../events/tenant-transaction.ts';
import { findProvider } from '../providers/find-provider.ts';
import { verifierAad } from './connect-session.ts';
import { lockSession } from './session-row.ts';
import { stateHash, type StateSigner } from './state-signer.ts';
import { storeGrant } from './store-grant.ts';
import {
  requireOAuth2,
  requireOAuthClient,
  tokenEndpoint,
  TransientTokenError,
  type OAuth2Provider,
  type TokenEndpoint,
} from './token-endpoint.ts';

const param = (max: number) => z.string().max(max).optional();

/**
 * The provider's authorization response (RFC 6749 §4.1.2): `code` and `state`, or `error`,
 * `error_description` and `state`; `iss` (RFC 9207) and what providers add (Google's `scope`,
 * `authuser`, `hd`, `prompt`; `session_state`).
 */
export const callbackQuery = z.strictObject({
  code: param(4096),
  state: param(4096),
  error: param(200),
  error_description: param(1000),
  error_uri: param(2048),
  iss: param(2048),
  scope: param(4096),
  session_state: param(1000),
  authuser: param(100),
  hd: param(500),
  prompt: param(100),
});
export type CallbackQuery = z.output<typeof callbackQuery>;

/**
 * RFC 6749 §4.1.2: the client ignores response parameters it does not know, so they are dropped
 * before validation (the query schema stays strict for what it names).
 */
export function knownCallbackParameters(query: unknown): Record<string, unknown> {
  const names = new Set(Object.keys(callbackQuery.shape));
  return Object.fromEntries(Object.entries(query as Record<string, unknown>).filter(([name]) => names.has(name)));
}

export interface CompletedAuthorization {
  connectionId: string;
  provider: OAuth2Provider;
  reconnected: boolean;
  returnTo: string | null;
}

const refused = (path: string, message: string) =>
  new ValidationError(`The authorization could not be completed: ${path} ${message}`, [
    { path, message, location: 'query' },
  ]);

/**
 * Completes a connect session from the provider's redirect: the state must carry this service's
 * signature, name an unexpired session of its tenant and not have been used. The code is
 * exchanged (with the PKCE verifier) in the tenant's transaction that locks the session, marks it
 * used and stores the grant: a new connection (integration.connection_created), or a reconnected
 * one's credentials. Any refusal stores nothing.
 */
export async function completeAuthorization(
  ctx: IntegrationContext,
  signer: StateSigner,
  query: CallbackQuery,
): Promise<CompletedAuthorization> {
  const state = query.state;
  if (!state) throw refused('state', 'is missing');
  const signed = signer.verify(state);
  if (!signed) throw refused('state', 'does not carry the signature of this service');
  const now = ctx.now();
  if (signed.expiresAt <= now.getTime()) throw refused('state', 'has expired');
  // Loaded before the transaction: the data key store must not wait for this pool's connections.
  await ctx.dataKeys.active(signed.tenantId);

  return tenantTransaction(ctx, signed.tenantId, async (client, publish) => {
    const session = await lockSession(client, stateHash(state));
    if (session?.id !== signed.sessionId) throw refused('state', 'names no connect session');
    if (session.used_at) throw refused('state', 'was already used');
    if (session.expires_at <= now) throw refused('state', 'has expired');
    const error = query.error;
    if (error !== undefined) {
      const description = query.error_description?.slice(0, 200);
      throw refused(
        'error',
        `the provider did not authorize: ${error.slice(0, 100)}${description ? ` (${description})` : ''}`,
      );
    }
    if (!query.code) throw refused('code', 'is missing');

    const provider = requireOAuth2(await findProvider(client, session.provider, ctx.config.PROVIDER_OVERRIDES));
    const key = await ctx.dataKeys.version(signed.tenantId, session.data_key_version);
    const verifier = openBytes(key, session.code_verifier, verifierAad(signed.tenantId, session.id)).toString();
    const app = await requireOAuthClient(ctx, client, signed.tenantId, provider);
    const endpoint = tokenEndpoint(ctx, provider, app);
    const tokens = await exchangeCode(endpoint, provider, query, state, session.redirect_uri, verifier);
    await client.query('UPDATE integration.connect_sessions SET used_at = $2 WHERE id = $1 AND used_at IS NULL', [
      session.id,
      now,
    ]);
    const stored = await storeGrant(
      ctx,
      { client, publish },
      { tenantId: signed.tenantId, session, provider, tokens, now },
    );
    return { ...stored, provider, returnTo: signed.returnTo };
  });
}

async function exchangeCode(
  { as, client, clientAuth, options }: TokenEndpoint,
  provider: OAuth2Provider,
  query: CallbackQuery,
  state: string,
  redirectUri: string,
  verifier: string,
): Promise<oauth.TokenEndpointResponse> {
  // RFC 9207 `iss` is not compared: provider definitions name no issuer.
  const parameters = new URLSearchParams(
    Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[0] !== 'iss'),
  );
  try {
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      clientAuth,
      oauth.validateAuthResponse(as, client, parameters, state),
      redirectUri,
      verifier,
      options,
    );
    return await oauth.processAuthorizationCodeResponse(as, client, response);
  } catch (error) {
    if (error instanceof oauth.ResponseBodyError) {
      throw refused('code', `was refused by the provider's token endpoint (${error.error})`);
    }
    if (error instanceof TransientTokenError || error instanceof oauth.OperationProcessingError) {
      throw new ServiceUnavailableError(`${provider.name} did not answer the token request properly: connect again`, {
        provider: provider.key,
      });
    }
    throw error;
  }
}
