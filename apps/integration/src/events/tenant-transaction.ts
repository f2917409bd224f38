import type pg from 'pg';
import { withTransaction } from '@bizosaas/db';
import { outboxMessages } from '@bizosaas/event-store';
import type { EventEnvelope } from '@bizosaas/event-schemas';
import type { IntegrationContext } from '../context.ts';

/** The schema of the outbox (eventStoreSchemaOf('integration')). */
export const OUTBOX_SCHEMA = 'integration_event_store';

/** Writes events' outbox rows in the transaction: they commit (and are published) with the change. */
export type Publish = (events: readonly EventEnvelope[]) => Promise<void>;

/**
 * One transaction of the tenant (RLS confines every statement to it) in which `work` may publish
 * events through the outbox; the relay is woken after the commit.
 */
export async function tenantTransaction<T>(
  ctx: Pick<IntegrationContext, 'pool' | 'outbox' | 'config'>,
  tenantId: string,
  work: (client: pg.PoolClient, publish: Publish) => Promise<T>,
): Promise<T> {
  let published = false;
  const result = await withTransaction(
    ctx.pool,
    (client) =>
      work(client, async (events) => {
        if (events.length === 0) return;
        const statement = outboxMessages(OUTBOX_SCHEMA, events, ctx.config.EVENT_STREAM_NAMESPACE);
        await client.query(statement.text, statement.values);
        published = true;
      }),
    { tenantId },
  );
  if (published) ctx.outbox.notify();
  return result;
}
