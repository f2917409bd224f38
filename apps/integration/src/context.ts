import type pg from 'pg';
import type { Redis } from 'ioredis';
import type { DataKeyStore } from '@bizosaas/envelope-encryption';
import type { OutboxNotifier } from '@bizosaas/event-store';
import type { OutboundHttp } from '@bizosaas/outbound-http';
import type { ServiceApp } from '@bizosaas/service-kit';
import type { Config } from './config.ts';

/** What every feature's routes and workers get from app.ts. */
export interface IntegrationContext {
  readonly config: Config;
  /** App role: requests and per-tenant work, under RLS by tenant. */
  readonly pool: pg.Pool;
  /** Worker role: lookups and claims across tenants. */
  readonly worker: pg.Pool;
  readonly redis: Redis;
  /** The tenants' data keys that seal credentials. */
  readonly dataKeys: DataKeyStore;
  /** The one outbound HTTP client for calls made on a tenant's behalf (SSRF guard). */
  readonly outbound: OutboundHttp;
  /** Wakes the outbox relay after a transaction that wrote outbox rows commits. */
  readonly outbox: OutboxNotifier;
  /** The clock every decision reads (tests inject one). */
  readonly now: () => Date;
}

/** A feature's routes (and workers): registered by app.ts on the service. */
export type FeatureModule = (app: ServiceApp, ctx: IntegrationContext) => void;
