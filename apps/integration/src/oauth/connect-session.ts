import { randomUUID } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import { z } from 'zod';
import { BusinessRuleViolation, ValidationError } from '@bizosaas/ddd-kernel';
import { withTransaction } from '@bizosaas/db';
import { sealBytes } from '@bizosaas/envelope-encryption';
import { getConnection } from '../connections/connection-store.ts';
import type { IntegrationContext } from '../context.ts';
import { findProvider } from '../providers/find-provider.ts';
import { stateHash, type StateSigner } from './state-signer.ts';
import { callbackUrl, requireOAuth2, requireOAuthClient } from './token-endpoint.ts';

/** A connect session lives this long; its state is refused afterwards. */
export const CONNECT_SESSION_TTL_MS = 10 * 60_000;
/** Sessions expired longer ago than this are removed when the tenant starts another. */
const SESSION_RETENTION_MS = 86_400_000;

const scopes = z.array(z.string().min(1).max(200)).min(1).max(50);
const redirectUri = z
  .url({ protocol: /^https?$/ })
  .max(2048)
  .describe('Where the browser goes once the connection is stored; same origin as the platform (PUBLIC_BASE_URL)');

export const connectSessionBody = z.strictObject({
  provider: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,49}$/),
  scopes: scopes.optional().describe("Scopes to ask for (default the provider's)"),
  redirectUri: redirectUri.optional(),
  connectionId: z.uuid().optional().describe('Reconnect: the connection whose grant the new one replaces'),
});
export const reconnectBody = z.strictObject({ scopes: scopes.optional(), redirectUri: redirectUri.optional() });

export const connectSessionView = z.object({
  id: z.uuid(),
  authorizationUrl: z.string().describe("Send the user's browser here; the provider redirects back to the callback"),
  expiresAt: z.string(),
});
export type ConnectSessionView = z.output<typeof connectSessionView>;

export interface ConnectSessionInput {
  tenantId: string;
  userId: string | null;
  provider?: string;
  scopes?: readonly string[] | undefined;
  redirectUri?: string | undefined;
  connectionId?: string | undefined;
}

// Bound to the tenant and the session: a sealed verifier copied onto another row does not open.
export const verifierAad = (tenantId: string, sessionId: string) =>
  `bizosaas.integration.connect-session.v1|${tenantId}|${sessionId}`;

/** The browser may only be sent back to the platform's own origin (no open redirect). */
function checkReturnTo(returnTo: string | undefined, publicBaseUrl: string): string | null {
  if (returnTo === undefined) return null;
  if (new URL(returnTo).origin !== new URL(publicBaseUrl).origin) {
    throw new ValidationError('redirectUri must be on the platform', [
      { path: 'redirectUri', message: `must start with ${new URL(publicBaseUrl).origin}`, location: 'body' },
    ]);
  }
  return returnTo;
}

/**
 * Starts an OAuth 2 authorization code flow with PKCE (S256) for the tenant: stores the session
 * (the state's hash and the sealed code verifier) and answers the provider's authorization URL.
 * With `connectionId` the grant will replace that OAuth 2 connection's credentials.
 */
export async function startConnectSession(
  ctx: IntegrationContext,
  signer: StateSigner,
  input: ConnectSessionInput,
): Promise<ConnectSessionView> {
  const returnTo = checkReturnTo(input.redirectUri, ctx.config.PUBLIC_BASE_URL);
  const id = randomUUID();
  const now = ctx.now();
  const expiresAt = new Date(now.getTime() + CONNECT_SESSION_TTL_MS);
  const verifier = oauth.generateRandomCodeVerifier();
  const { version, key } = await ctx.dataKeys.active(input.tenantId);
  const sealedVerifier = sealBytes(key, Buffer.from(verifier), verifierAad(input.tenantId, id));
  const state = signer.sign({ sessionId: id, tenantId: input.tenantId, expiresAt: expiresAt.getTime(), returnTo });
  const redirect = callbackUrl(ctx.config);

  const { provider, requested, clientId } = await withTransaction(
    ctx.pool,
    async (client) => {
      const reconnected = input.connectionId ? await getConnection(client, input.connectionId) : null;
      if (reconnected?.authType === 'api_key') {
        throw new BusinessRuleViolation(
          'connection_not_oauth2',
          'An API-key connection is not reconnected: PUT its new credentials instead',
          { connectionId: reconnected.id },
        );
      }
      if (reconnected && input.provider !== undefined && reconnected.provider !== input.provider) {
        throw new BusinessRuleViolation('provider_mismatch', `The connection is to ${reconnected.provider}`, {
          connectionId: reconnected.id,
          provider: input.provider,
        });
      }
      const key = reconnected?.provider ?? input.provider;
      if (key === undefined) {
        throw new ValidationError('A provider is required', [
          { path: 'provider', message: 'required', location: 'body' },
        ]);
      }
      const provider = requireOAuth2(await findProvider(client, key, ctx.config.PROVIDER_OVERRIDES));
      const app = await requireOAuthClient(ctx, client, input.tenantId, provider);
      // A reconnect asks again for what the connection had, unless told otherwise.
      const previous = reconnected?.scopes.length ? reconnected.scopes : undefined;
      const requested = [...(input.scopes ?? previous ?? provider.auth.scopes)];
      await client.query('DELETE FROM integration.connect_sessions WHERE expires_at < $1', [
        new Date(now.getTime() - SESSION_RETENTION_MS),
      ]);
      await client.query(
        `INSERT INTO integration.connect_sessions (id, tenant_id, provider, state_hash, code_verifier, data_key_version,
           redirect_uri, scopes, connection_id, created_by, expires_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [
          id,
          input.tenantId,
          provider.key,
          stateHash(state),
          sealedVerifier,
          version,
          redirect,
          requested,
          reconnected?.id ?? null,
          input.userId,
          expiresAt,
          now,
        ],
      );
      return { provider, requested, clientId: app.clientId };
    },
    { tenantId: input.tenantId },
  );

  const url = new URL(provider.auth.authorizationUrl);
  const params = {
    ...provider.auth.authorizationParams,
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirect,
    scope: requested.join(' '),
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  };
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return { id, authorizationUrl: url.href, expiresAt: expiresAt.toISOString() };
}
