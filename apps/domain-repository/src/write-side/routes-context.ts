import type pg from 'pg';
import type { PlatformCatalogue } from '@bizosaas/event-schemas';
import type { EventStore } from '@bizosaas/event-store';
import type { CommandHandler } from './command-handler.ts';

/** What every slice's route gets: the command handler for writes, pool and store for reads, the clock. */
export interface RoutesContext extends CommandHandler {
  /** App role: requests, under RLS by tenant. */
  readonly pool: pg.Pool;
  readonly store: EventStore<PlatformCatalogue>;
  readonly now: () => Date;
  /** How far after the command's time a fact may be dated (the sender's clock running ahead). */
  readonly clockSkewMs: number;
}
