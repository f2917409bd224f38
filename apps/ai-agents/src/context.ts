import type pg from 'pg';
import type { Redis } from 'ioredis';
import type { DataKeyStore } from '@bizosaas/envelope-encryption';
import type { EventStore } from '@bizosaas/event-store';
import type { PlatformCatalogue } from '@bizosaas/event-schemas';
import type { OutboundHttp } from '@bizosaas/outbound-http';
import type { ServiceApp } from '@bizosaas/service-kit';
import type { Config } from './config.ts';

/** What every feature's routes and workers get from app.ts. */
export interface AgentsContext {
  readonly config: Config;
  /** App role: requests and per-tenant work, under RLS by tenant. */
  readonly pool: pg.Pool;
  /** Worker role: run claims, the reaper and approval expiry across tenants. */
  readonly worker: pg.Pool;
  readonly redis: Redis;
  /** The analyses' event store (stream ai_analysis-<id>, agent_task-<id>), with its outbox. */
  readonly store: EventStore<PlatformCatalogue>;
  /** The tenants' data keys that seal LLM API keys. */
  readonly dataKeys: DataKeyStore;
  /** The one outbound HTTP client for calls made on a tenant's behalf (site audits; SSRF guard). */
  readonly outbound: OutboundHttp;
  /** The clock every decision reads (tests inject one). */
  readonly now: () => Date;
}

/** A feature's routes (and workers): registered by app.ts on the service. */
export type FeatureModule = (app: ServiceApp, ctx: AgentsContext) => void;
