import type pg from 'pg';
import { TenantIsolationError } from '@bizosaas/ddd-kernel';
import type { PlatformCatalogue } from '@bizosaas/event-schemas';
import type { EventStore } from '@bizosaas/event-store';
import { foldingOf, type AggregateStream, type DecidedEvent } from './aggregate-stream.ts';

/**
 * A GET of one aggregate reads its stream (freshest state, read-your-writes) under the caller's
 * tenant. No events is a missing aggregate or another tenant's (RLS hides it): both are the same 404.
 */
export async function loadAggregate<S extends { readonly status: string }, E extends DecidedEvent>(
  deps: { readonly store: EventStore<PlatformCatalogue>; readonly pool: pg.Pool },
  tenantId: string,
  aggregate: AggregateStream<S, E>,
  aggregateId: string,
): Promise<{ state: S; version: number }> {
  const loaded = await deps.store.transaction(deps.pool, tenantId, (client) =>
    deps.store.load(client, {
      aggregateType: aggregate.aggregateType,
      aggregateId,
      ...foldingOf(aggregate),
    }),
  );
  if (loaded.state.status === 'none') throw new TenantIsolationError(tenantId);
  return loaded;
}
