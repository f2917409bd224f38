import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createEventStore, createPgIdempotencyStore } from '@bizosaas/event-store';
import { uuidv7 } from '@bizosaas/event-schemas';
import { captureLead } from '../lead/capture-lead/capture-lead.ts';
import { contactLead } from '../lead/contact-lead/contact-lead.ts';
import { leadStream } from '../lead/lead.ts';
import { contact } from '../lead/lead-test-fixtures.ts';
import { leadView } from '../lead/lead-view.ts';
import { createCommandHandler } from './command-handler.ts';
import { decideOnStream } from './decide-on-stream.ts';
import { EVENT_STORE_SCHEMA } from './write-side.ts';

const store = createEventStore({ schema: EVENT_STORE_SCHEMA });
let app: pg.Pool;

beforeAll(() => {
  app = new pg.Pool({ connectionString: inject('appDatabaseUrl'), max: 2 });
});
afterAll(() => app.end());

/** The pool with its traffic counted: statements sent through it, and connections taken out for a transaction. */
function counted(pool: pg.Pool) {
  const seen = { queries: 0, connects: 0 };
  const proxy = new Proxy(pool, {
    get(target, key, receiver) {
      if (key === 'query')
        return (...args: unknown[]) => ((seen.queries += 1), (target.query as (...a: unknown[]) => unknown)(...args));
      if (key === 'connect')
        return (...args: unknown[]) => (
          (seen.connects += 1),
          (target.connect as (...a: unknown[]) => unknown)(...args)
        );
      return Reflect.get(target, key, receiver);
    },
  });
  return { pool: proxy, seen };
}

const metadataOf = (tenantId: string) => ({
  now: new Date(),
  tenantId,
  actor: { type: 'user' as const, id: randomUUID() },
});
const capture =
  (metadata: ReturnType<typeof metadataOf>, leadId: string) => (state: Parameters<typeof captureLead>[1]) =>
    captureLead(
      {
        type: 'lead.capture',
        data: { leadId, contact, source: 'website_form', utmParameters: {}, campaignId: null },
        metadata,
      },
      state,
    );

describe('decideOnStream on a new aggregate ({ newAggregateIn: pool })', () => {
  it('loads nothing and appends in one autocommitted statement, no transaction', async () => {
    const tenantId = randomUUID();
    const leadId = uuidv7();
    const { pool, seen } = counted(app);
    const metadata = metadataOf(tenantId);
    const run = await decideOnStream(
      store,
      { newAggregateIn: pool },
      leadStream,
      { aggregateId: leadId },
      metadata,
      capture(metadata, leadId),
    );
    expect(seen).toEqual({ queries: 1, connects: 0 });
    expect(run.version).toBe(1);
    expect(run.envelopes.map((event) => event.type)).toEqual(['lead.created']);
    const stored = await store.transaction(app, tenantId, (client) =>
      store.readStream(client, { aggregateType: 'lead', aggregateId: leadId }),
    );
    expect(stored.map((event) => [event.type, event.aggregateVersion, event.tenantId])).toEqual([
      ['lead.created', 1, tenantId],
    ]);
  });

  it('is still version-guarded: an id whose stream exists is a CONCURRENCY_EXCEPTION and appends nothing', async () => {
    const tenantId = randomUUID();
    const leadId = uuidv7();
    const metadata = metadataOf(tenantId);
    const decide = () =>
      decideOnStream(
        store,
        { newAggregateIn: app },
        leadStream,
        { aggregateId: leadId },
        metadata,
        capture(metadata, leadId),
      );
    await decide();
    await expect(decide()).rejects.toMatchObject({
      code: 'CONCURRENCY_EXCEPTION',
      details: { expectedVersion: 0, actualVersion: 1 },
    });
    const stored = await store.transaction(app, tenantId, (client) =>
      store.readStream(client, { aggregateType: 'lead', aggregateId: leadId }),
    );
    expect(stored).toHaveLength(1);
  });
});

describe('commands that create their aggregate', () => {
  it('lead.capture runs as one statement on the pool, a command on an existing lead in a transaction', async () => {
    const { pool, seen } = counted(app);
    const handler = createCommandHandler({
      pool,
      store,
      idempotency: createPgIdempotencyStore({ pool, schema: EVENT_STORE_SCHEMA }),
      now: () => new Date(),
      clockSkewMs: 300_000,
    });
    const metadata = metadataOf(randomUUID());
    const leadId = uuidv7();
    const lead = await handler.run(metadata, {
      aggregate: leadStream,
      aggregateId: leadId,
      creates: true,
      command: {
        type: 'lead.capture',
        data: { leadId, contact, source: 'website_form', utmParameters: {}, campaignId: null },
      },
      decide: captureLead,
      view: leadView,
    });
    expect(lead.version).toBe(1);
    expect(seen).toEqual({ queries: 1, connects: 0 });
    await handler.run(metadata, {
      aggregate: leadStream,
      aggregateId: leadId,
      command: { type: 'lead.contact', data: { leadId, channel: 'call', notes: null } },
      decide: contactLead,
      view: leadView,
    });
    expect(seen.connects).toBe(1);
  });
});
