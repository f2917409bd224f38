import type pg from 'pg';
import type { Redis } from 'ioredis';
import type { EventStore } from '@bizosaas/event-store';
import type { PlatformCatalogue } from '@bizosaas/event-schemas';
import type { PlatformClient } from '@bizosaas/platform-client';
import type { ConsumerMonitor, ServiceApp } from '@bizosaas/service-kit';
import type { Config } from './config.ts';

/** The platform services campaign calls on a tenant's behalf (its service client's tokens). */
export interface PlatformClients {
  /** Batch triggers: every send of a plan. */
  readonly notification: PlatformClient;
  /** The Campaign aggregate's commands: pause, resume, complete, budget, optimise. */
  readonly domainRepository: PlatformClient;
}

/** What every feature's routes and workers get from app.ts. */
export interface CampaignContext {
  readonly config: Config;
  /** App role: requests and per-tenant work, under RLS by tenant. */
  readonly pool: pg.Pool;
  /** Worker role: consumers of platform events, due timers and the dispatcher across tenants. */
  readonly worker: pg.Pool;
  readonly redis: Redis;
  /** Streams campaign_execution-<id>, campaign_enrolment-<id>, campaign_budget-<campaignId>, with the outbox. */
  readonly store: EventStore<PlatformCatalogue>;
  /** Absent without a service client: nothing is sent or commanded (see config.ts). */
  readonly platform: PlatformClients | undefined;
  /** Consumer groups report their health here (/ready). */
  readonly consumers: ConsumerMonitor;
  /** The clock every decision reads (tests inject one). */
  readonly now: () => Date;
}

/** A feature's routes (and workers): registered by app.ts on the service. */
export type FeatureModule = (app: ServiceApp, ctx: CampaignContext) => void;
