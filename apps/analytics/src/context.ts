import type pg from 'pg';
import type { Redis } from 'ioredis';
import type { RebuildResult, RebuildVerifier } from '@bizosaas/event-store';
import type { ServiceApp } from '@bizosaas/service-kit';
import type { Config } from './config.ts';

/** What every feature's routes and workers get from app.ts. */
export interface AnalyticsContext {
  readonly config: Config;
  /** App role: requests, under RLS by tenant. */
  readonly pool: pg.Pool;
  /** Worker role: the ingest, the projections, rebuilds and report building across tenants. */
  readonly worker: pg.Pool;
  readonly redis: Redis;
  /** Rebuilds the analytics projection into a new generation and swaps it in (after `verify`). */
  readonly rebuild: (verify: RebuildVerifier) => Promise<RebuildResult>;
  /** The clock every decision reads (tests inject one). */
  readonly now: () => Date;
}

/** A feature's routes (and workers): registered by app.ts on the service. */
export type FeatureModule = (app: ServiceApp, ctx: AnalyticsContext) => void;
