import type pg from 'pg';
import { createEventStore } from '../../store/create-event-store.ts';
import { scratchSchema, leadEvents, type Scratch } from '../../store/test-support.ts';
import { createOutboxNotifier } from '../../notifications/outbox-notifier.ts';
import { qualified } from '../table-names.ts';

/** Helpers for the projection integration tests (not exported from the package). */
export interface ProjectionFixture extends Scratch {
  /**
   * Appends `count` lead events (created, then qualified) to a lead stream after version `from`,
   * in its own transaction unless `client` (in a tenant transaction) is given; no outbox rows
   * unless `outbox` (then, in its own transaction, the outbox channel is notified after the commit).
   */
  appendLead(
    tenantId: string,
    leadId: string,
    from: number,
    count: number,
    options?: { client?: pg.ClientBase; outbox?: boolean },
  ): Promise<void>;
  /** Every row of a view or table of the scratch schema, as the worker sees it, sorted. */
  rows(table: string, orderBy: string): Promise<Record<string, unknown>[]>;
  /** The projection's checkpoint row. */
  checkpoint(
    projection: string,
  ): Promise<{ transaction_id: string; global_position: string; generation: number; version: number } | undefined>;
}

export async function projectionFixture(label: string, poolMax = 8): Promise<ProjectionFixture> {
  const scratch = await scratchSchema(label, poolMax);
  const store = createEventStore({
    schema: scratch.schema,
    notifier: createOutboxNotifier({ pool: scratch.app, schema: scratch.schema }),
  });
  return {
    ...scratch,
    async appendLead(tenantId, leadId, from, count, { client, outbox = false } = {}) {
      const events = leadEvents(tenantId, leadId, from, count);
      const input = { tenantId, aggregateType: 'lead', aggregateId: leadId, expectedVersion: from, events, outbox };
      if (client) await store.append(client, input);
      else await store.transaction(scratch.app, tenantId, (tx) => store.append(tx, input));
    },
    async rows(table, orderBy) {
      const { rows } = await scratch.worker.query<Record<string, unknown>>(
        `SELECT * FROM ${qualified(scratch.schema, table)} ORDER BY ${orderBy}`,
      );
      return rows;
    },
    async checkpoint(projection) {
      const { rows } = await scratch.worker.query<{
        transaction_id: string;
        global_position: string;
        generation: number;
        version: number;
      }>(
        `SELECT transaction_id::text, global_position::text, generation, version
           FROM ${qualified(scratch.schema, 'projection_checkpoints')} WHERE projection = $1`,
        [projection],
      );
      return rows[0];
    },
  };
}

/** Polls until `condition` holds; fails after a generous timeout (never asserts on duration). */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
