import { randomBytes } from 'node:crypto';
import { createEvent, type DomainEvent } from '@bizosaas/event-schemas';
import type { Redis } from 'ioredis';
import pg from 'pg';
import { uniqueNamespace as namespaceFor } from '@bizosaas/messaging/testing';
export { deleteNamespace, redisUrl, testRedis, waitFor } from '@bizosaas/messaging/testing';
import { eventStoreDdl } from '../schema/event-store-ddl.ts';
import { createEventStore } from '../store/create-event-store.ts';
import { outboxMessages } from './outbox-messages.ts';
import { withTransaction } from '@bizosaas/db';

/** Helpers for the outbox, inbox and retention integration tests (not exported from the package). */

export const tenantId = '5d0c6a1e-2b7f-4c3d-9e8a-1f2b3c4d5e6f';

export interface DatabaseUrls {
  ownerUrl: string;
  appUrl: string;
  workerUrl: string;
}

export interface ScratchStore {
  schema: string;
  /** Owner connection: test setup and inspection only. */
  owner: pg.Pool;
  /** Request-side role (RLS by tenant). */
  app: pg.Pool;
  /** Background role (relay, consumers across tenants). */
  worker: pg.Pool;
  drop(): Promise<void>;
}

/** A uniquely named schema with eventStoreDdl installed by the owner; drop() removes it. */
export async function scratchStore(label: string, urls: DatabaseUrls): Promise<ScratchStore> {
  const schema = `es_${label}_${randomBytes(4).toString('hex')}`;
  const owner = new pg.Pool({ connectionString: urls.ownerUrl, max: 3 });
  await owner.query(eventStoreDdl(schema));
  const app = new pg.Pool({ connectionString: urls.appUrl, max: 5 });
  const worker = new pg.Pool({ connectionString: urls.workerUrl, max: 5 });
  for (const pool of [app, worker]) pool.on('error', () => {});
  return {
    schema,
    owner,
    app,
    worker,
    async drop() {
      await Promise.all([app.end(), worker.end()]);
      await owner.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
      await owner.end();
    },
  };
}

/** Event `version` of lead `aggregateId`: lead.created first, then lead.qualified. */
export function leadEvent(aggregateId: string, version: number): DomainEvent {
  const common = {
    tenantId,
    actor: { type: 'service', id: 'domain-repository' } as const,
    aggregateId,
    aggregateVersion: version,
  };
  if (version === 1) {
    return createEvent({
      ...common,
      type: 'lead.created',
      data: {
        contact: {
          email: 'jane.roe@example.com',
          firstName: 'Jane',
          lastName: null,
          phone: null,
          company: null,
          jobTitle: null,
        },
        source: 'api',
        utmParameters: {},
        campaignId: null,
      },
    });
  }
  return createEvent({
    ...common,
    type: 'lead.qualified',
    data: {
      score: { totalScore: version % 100, behavioralScore: null, demographicScore: null, firmographicScore: null },
      method: 'manual',
      analysisId: null,
      notes: null,
    },
  });
}

/** A Redis key namespace no other test file uses. */
export const uniqueNamespace = (label: string) => namespaceFor(`es-${label}`);

/**
 * Commits events and their outbox rows in one transaction as the app role (tenant set), through
 * the event store's append (outbox rows pointing at the events), one append per event so the
 * aggregates may interleave; outbox positions follow the array order.
 */
export async function commitEvents(app: pg.Pool, schema: string, namespace: string, events: readonly DomainEvent[]) {
  const store = createEventStore({ schema, namespace });
  await withTransaction(
    app,
    async (client) => {
      for (const event of events) {
        const { aggregateType, aggregateId, aggregateVersion } = event;
        await store.append(client, {
          tenantId,
          aggregateType,
          aggregateId,
          expectedVersion: aggregateVersion - 1,
          events: [event],
        });
      }
    },
    { tenantId },
  );
}

/** Outbox rows that carry their own envelope (a message with no event row), in one transaction. */
export async function commitMessages(app: pg.Pool, schema: string, namespace: string, events: readonly DomainEvent[]) {
  const { text, values } = outboxMessages(schema, events, namespace);
  await withTransaction(app, (client) => client.query(text, values), { tenantId });
}

/** Event ids on a stream, in stream order (duplicates kept). */
export async function streamEventIds(redis: Redis, stream: string): Promise<string[]> {
  const entries = (await redis.xrange(stream, '-', '+')) as [string, string[]][];
  return entries.map(([, fields]) => fields[fields.indexOf('id') + 1]!);
}

export async function outboxCount(pool: pg.Pool, schema: string): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${pg.escapeIdentifier(schema)}.outbox`);
  return Number(rows[0]!.n);
}
