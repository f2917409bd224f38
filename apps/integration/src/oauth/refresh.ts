import { BusinessRuleViolation, NotFoundError, ServiceUnavailableError } from '@bizosaas/ddd-kernel';
import { withTransaction } from '@bizosaas/db';
import { replaceCredentials } from '../connections/connection-store.ts';
import type { IntegrationContext } from '../context.ts';
import { tenantTransaction } from '../events/tenant-transaction.ts';
import { markBroken, type BrokenConnection } from './mark-broken.ts';
import { oauth2ProviderOf, openOAuth2, readConnection, times, type ConnectionRow } from './oauth-connection.ts';
import { refreshGrant } from './refresh-grant.ts';
import { accessExpired, refreshDue } from './refresh-rule.ts';
import type { OAuthClient } from '../providers/oauth-client.ts';
import { credentialsFrom, requireOAuthClient, type OAuth2Credentials } from './token-endpoint.ts';

export interface AccessToken {
  accessToken: string;
  /** The Authorization scheme (`Bearer`). */
  tokenType: string;
}

export type RefreshOutcome =
  | { kind: 'fresh' | 'refreshed'; credentials: OAuth2Credentials }
  /** The refresh failed for now (provider unreachable, 5xx, ...); the access token is still valid. */
  | { kind: 'deferred'; credentials: OAuth2Credentials; detail: string }
  /** `skipLocked`: another replica is refreshing it (or it is gone). */
  | { kind: 'busy' };

const tokenOf = (credentials: OAuth2Credentials): AccessToken => ({
  accessToken: credentials.accessToken,
  tokenType: credentials.tokenType,
});
const needsReauth = (connectionId: string) =>
  new BusinessRuleViolation(
    'connection_needs_reauth',
    'The provider no longer accepts this connection: the tenant must reconnect it',
    { connectionId },
  );

// Per app instance: callers in one process share one refresh; replicas meet at the row lock.
const inFlight = new WeakMap<object, Map<string, Promise<RefreshOutcome>>>();

/**
 * A usable access token of an OAuth 2 connection, refreshed first when the provider's rule says so
 * (`refresh.aheadMs` before expiry, or `refresh.everyMs` after the last refresh). However many
 * callers on however many replicas, one token request is made: callers in a process share one
 * refresh, and replicas serialize on the connection's row lock and re-check after it.
 * 422 connection_needs_reauth when the provider refused the grant (nothing is sent again until a
 * reconnect); 503 when the token expired and the provider cannot be reached.
 */
export async function freshAccessToken(
  ctx: IntegrationContext,
  tenantId: string,
  connectionId: string,
): Promise<AccessToken> {
  // Credentials are opened after the transaction: the data key store may need a connection of
  // the same pool, which many concurrent callers could otherwise exhaust while holding theirs.
  const { row, provider } = await withTransaction(
    ctx.pool,
    async (client) => {
      const found = await readConnection(client, connectionId, '');
      if (!found) throw new NotFoundError('Connection not found', { connectionId });
      return { row: found, provider: await oauth2ProviderOf(ctx, client, connectionId, found) };
    },
    { tenantId },
  );
  if (row.status !== 'active') throw needsReauth(connectionId);
  if (!refreshDue(times(row), provider.refresh, ctx.now())) {
    return tokenOf(await openOAuth2(ctx, tenantId, connectionId, row));
  }

  const flights = inFlight.get(ctx) ?? new Map<string, Promise<RefreshOutcome>>();
  inFlight.set(ctx, flights);
  const key = `${tenantId}:${connectionId}`;
  let flight = flights.get(key);
  if (!flight) {
    flight = refreshConnection(ctx, tenantId, connectionId).finally(() => flights.delete(key));
    flights.set(key, flight);
  }
  const outcome = await flight;
  if (outcome.kind === 'busy') throw new NotFoundError('Connection not found', { connectionId });
  return tokenOf(outcome.credentials);
}

/**
 * Refreshes the connection if it is due, holding its row lock: a replica that waited for the lock
 * finds the tokens another one just stored and uses them. A provider's refresh answer without a
 * refresh token keeps the old one. invalid_grant marks the connection needs_reauth and publishes
 * integration.connection_broken, then throws 422 connection_needs_reauth; a connection in
 * needs_reauth is never sent to the provider again (only a reconnect makes it active).
 */
export async function refreshConnection(
  ctx: IntegrationContext,
  tenantId: string,
  connectionId: string,
  options: { skipLocked?: boolean } = {},
): Promise<RefreshOutcome> {
  const now = ctx.now();
  // Loaded before the row lock is taken (see freshAccessToken): the refresh seals with it.
  await ctx.dataKeys.active(tenantId);
  const outcome = await tenantTransaction(ctx, tenantId, async (client, publish) => {
    const row = await readConnection(
      client,
      connectionId,
      options.skipLocked ? 'FOR UPDATE SKIP LOCKED' : 'FOR UPDATE',
    );
    if (!row) {
      if (options.skipLocked) return { kind: 'busy' } as const;
      throw new NotFoundError('Connection not found', { connectionId });
    }
    if (row.status !== 'active') return { kind: 'needs_reauth' } as const;
    const provider = await oauth2ProviderOf(ctx, client, connectionId, row);
    const credentials = await openOAuth2(ctx, tenantId, connectionId, row);
    if (!refreshDue(times(row), provider.refresh, now)) return { kind: 'fresh', credentials } as const;
    const app = await requireOAuthClient(ctx, client, tenantId, provider);
    return refreshHeld(ctx, { client, publish, tenantId, connectionId, provider, now }, row, credentials, app);
  });
  if (outcome.kind === 'needs_reauth') throw needsReauth(connectionId);
  return outcome;
}

type HeldOutcome = Exclude<RefreshOutcome, { kind: 'busy' }> | { kind: 'needs_reauth' };

/** The refresh itself, under the row lock of a connection found due. */
async function refreshHeld(
  ctx: IntegrationContext,
  held: BrokenConnection,
  row: ConnectionRow,
  credentials: OAuth2Credentials,
  app: OAuthClient,
): Promise<HeldOutcome> {
  const { tenantId, connectionId, provider, now } = held;
  if (credentials.refreshToken === null) {
    if (!accessExpired(times(row), now)) return { kind: 'fresh', credentials };
    await markBroken(held, 'unauthorized', 'the access token expired and the provider gave no refresh token');
    return { kind: 'needs_reauth' };
  }
  const answer = await refreshGrant(ctx, provider, app, credentials.refreshToken);
  if (answer.kind === 'invalid_grant') {
    await markBroken(held, 'invalid_grant', answer.detail);
    return { kind: 'needs_reauth' };
  }
  if (answer.kind === 'failed') {
    if (!accessExpired(times(row), now)) return { kind: 'deferred', credentials, detail: answer.detail };
    throw new ServiceUnavailableError(`${provider.name} could not refresh the connection's token; it stays active`, {
      connectionId,
      provider: provider.key,
      cause: answer.detail,
    });
  }
  const next = credentialsFrom(answer.tokens, now, credentials.refreshToken);
  await replaceCredentials(held.client, ctx, tenantId, connectionId, next, now);
  return { kind: 'refreshed', credentials: next };
}
