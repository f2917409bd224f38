import type pg from 'pg';
import { projectionViews } from '@bizosaas/event-store';
import { uuidv7 } from '@bizosaas/event-schemas';
import type { CommandHandler } from '../../write-side/command-handler.ts';
import { EVENT_STORE_SCHEMA } from '../../write-side/write-side.ts';
import { assessChurnRisk } from '../assess-churn-risk/assess-churn-risk.ts';
import { customerStream } from '../customer.ts';
import { customerListProjection } from '../customer-list/customer-list.projection.ts';

export interface ChurnReassessmentOptions {
  /** Worker role: reads every tenant's customers from the list projection. */
  worker: pg.Pool;
  /** Runs the assessment command (with its retries). */
  commands: Pick<CommandHandler, 'run'>;
  now: () => Date;
  /** Time between the starts of two passes over every customer. */
  intervalMs: number;
  batchSize: number;
  onError: (error: unknown, customerId?: string) => void;
}

const { customer_list: table } = projectionViews(EVENT_STORE_SCHEMA, customerListProjection);
// One replica runs a pass at a time: a session lock held for the pass (released if the process dies).
const PASS_LOCK = "hashtext('domain-repository.churn-reassessment')";

/**
 * Churn risk grows with time since the last purchase, with no event to trigger it: this job
 * re-assesses every customer each `intervalMs` with the assessment command (an event only when the
 * risk changed), in pages by customer id.
 */
export function createChurnReassessment(options: ChurnReassessmentOptions) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = false;

  async function reassess(customerId: string, tenantId: string, correlationId: string) {
    const metadata = {
      now: options.now(),
      tenantId,
      actor: { type: 'system' as const, id: 'churn-reassessment' },
      correlationId,
    };
    await options.commands
      .run(metadata, {
        aggregate: customerStream,
        aggregateId: customerId,
        command: { type: 'customer.assess_churn_risk', data: { customerId } },
        decide: assessChurnRisk,
        view: () => undefined,
      })
      .catch((error: unknown) => options.onError(error, customerId));
  }

  /** One pass over every customer; resolves with the number assessed (0 when another replica holds the pass). */
  async function pass(): Promise<number> {
    const client = await options.worker.connect();
    try {
      const {
        rows: [lock],
      } = await client.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(${PASS_LOCK}) AS locked`);
      if (!lock?.locked) return 0;
      const correlationId = `churn-pass-${uuidv7()}`;
      let cursor = '00000000-0000-0000-0000-000000000000';
      let assessed = 0;
      try {
        while (!stopped) {
          const { rows } = await client.query<{ customer_id: string; tenant_id: string }>(
            `SELECT customer_id, tenant_id FROM ${table} WHERE customer_id > $1 ORDER BY customer_id LIMIT $2`,
            [cursor, options.batchSize],
          );
          for (const row of rows) await reassess(row.customer_id, row.tenant_id, correlationId);
          assessed += rows.length;
          if (rows.length < options.batchSize) break;
          cursor = rows.at(-1)!.customer_id;
        }
      } finally {
        await client.query(`SELECT pg_advisory_unlock(${PASS_LOCK})`);
      }
      return assessed;
    } finally {
      client.release();
    }
  }

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = pass()
        .catch((error) => (options.onError(error), 0))
        .finally(schedule);
    }, options.intervalMs);
    timer.unref();
  };

  return {
    start() {
      schedule();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
    pass,
  };
}
