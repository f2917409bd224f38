import type pg from 'pg';
import type { Redis } from 'ioredis';
import type { EventStore } from '@bizosaas/event-store';
import type { PlatformCatalogue } from '@bizosaas/event-schemas';
import type { ServiceApp } from '@bizosaas/service-kit';
import type { Config } from './config.ts';
import type { LinkSigner } from './links/link-signer.ts';

/** What every feature's routes and workers get from app.ts. */
export interface NotificationContext {
  readonly config: Config;
  /** App role: requests and per-tenant work, under RLS by tenant. */
  readonly pool: pg.Pool;
  /** Worker role: claims and pruning across tenants. */
  readonly worker: pg.Pool;
  readonly redis: Redis;
  /** The messages' event store (stream notification-<id>), with its outbox. */
  readonly store: EventStore<PlatformCatalogue>;
  /** Signs and verifies unsubscribe and tracking links (one key cache per process). */
  readonly links: LinkSigner;
  /** The clock every decision reads (tests inject one). */
  readonly now: () => Date;
}

/** A feature's routes (and workers): registered by app.ts on the service. */
export type FeatureModule = (app: ServiceApp, ctx: NotificationContext) => void;
