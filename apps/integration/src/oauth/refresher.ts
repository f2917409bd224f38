import type { FastifyBaseLogger } from 'fastify';
import { BusinessRuleViolation } from '@bizosaas/ddd-kernel';
import type { IntegrationContext } from '../context.ts';
import { builtInProviders } from '../providers/find-provider.ts';
import { providerDefinition } from '../providers/provider.ts';
import { refreshConnection } from './refresh.ts';

export interface RefreshCycle {
  /** Connections found due (by the rule of their provider). */
  due: number;
  refreshed: number;
  /** invalid_grant (or expired without a refresh token): now needs_reauth. */
  broken: number;
  /** Transient failures and the like: still active, tried again next cycle. */
  failed: number;
}

interface DueConnection {
  id: string;
  tenant_id: string;
}

const PAGE = 100;
const CONCURRENCY = 4;
// Tenants' own providers are judged by the default rule here; their own rule decides in the tenant.
const DEFAULT_RULE = providerDefinition.shape.refresh.parse(undefined);

/**
 * One refresher cycle: finds every active OAuth 2 connection due by its provider's rule (worker
 * role, across tenants) and refreshes each in its tenant. A row another replica holds is skipped
 * (it is being refreshed). Connections in needs_reauth are never selected.
 */
export async function refreshDueConnections(ctx: IntegrationContext, log?: FastifyBaseLogger): Promise<RefreshCycle> {
  const rules = builtInProviders(ctx.config.PROVIDER_OVERRIDES);
  const cycle: RefreshCycle = { due: 0, refreshed: 0, broken: 0, failed: 0 };
  const now = ctx.now();
  for (let after = '00000000-0000-0000-0000-000000000000'; ;) {
    const { rows } = await ctx.worker.query<DueConnection>(
      `SELECT c.id, c.tenant_id FROM integration.connections c
       LEFT JOIN unnest($1::text[], $2::float8[], $3::float8[]) AS r(provider, ahead_ms, every_ms) ON r.provider = c.provider
       WHERE c.auth_type = 'oauth2' AND c.status = 'active' AND c.id > $7
         AND (c.access_expires_at <= $4::timestamptz + make_interval(secs => COALESCE(r.ahead_ms, $5) / 1000)
           OR c.refreshed_at IS NULL
           OR c.refreshed_at <= $4::timestamptz - make_interval(secs => COALESCE(r.every_ms, $6) / 1000))
       ORDER BY c.id LIMIT $8`,
      [
        rules.map((provider) => provider.key),
        rules.map((provider) => provider.refresh.aheadMs),
        rules.map((provider) => provider.refresh.everyMs),
        now,
        DEFAULT_RULE.aheadMs,
        DEFAULT_RULE.everyMs,
        after,
        PAGE,
      ],
    );
    cycle.due += rows.length;
    for (let start = 0; start < rows.length; start += CONCURRENCY) {
      await Promise.all(rows.slice(start, start + CONCURRENCY).map((row) => refreshOne(ctx, row, cycle, log)));
    }
    if (rows.length < PAGE) return cycle;
    after = rows.at(-1)!.id;
  }
}

async function refreshOne(
  ctx: IntegrationContext,
  { id, tenant_id: tenantId }: DueConnection,
  cycle: RefreshCycle,
  log?: FastifyBaseLogger,
): Promise<void> {
  try {
    const outcome = await refreshConnection(ctx, tenantId, id, { skipLocked: true });
    if (outcome.kind === 'refreshed') cycle.refreshed += 1;
    if (outcome.kind === 'deferred') {
      cycle.failed += 1;
      log?.warn({ connectionId: id, tenantId, detail: outcome.detail }, 'token refresh deferred');
    }
  } catch (error) {
    if (error instanceof BusinessRuleViolation && error.details.rule === 'connection_needs_reauth') {
      cycle.broken += 1;
      log?.warn({ connectionId: id, tenantId }, 'connection needs reauthorization');
      return;
    }
    cycle.failed += 1;
    log?.error({ err: error, connectionId: id, tenantId }, 'token refresh failed');
  }
}
