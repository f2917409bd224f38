import type pg from 'pg';
import { eventStoreSchemaOf, type EventStore } from '@bizosaas/event-store';
import type { PlatformCatalogue } from '@bizosaas/event-schemas';

/** The schema of this service's event store, outbox, idempotency keys and projections. */
export const EVENT_STORE_SCHEMA = eventStoreSchemaOf('domain_repository');

/** What command routes, queries and workers of every aggregate share. */
export interface WriteSide {
  /** App role: requests, under RLS by tenant. */
  readonly pool: pg.Pool;
  /** Worker role: background work across tenants. */
  readonly worker: pg.Pool;
  readonly store: EventStore<PlatformCatalogue>;
}
