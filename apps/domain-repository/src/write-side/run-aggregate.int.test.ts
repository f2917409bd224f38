import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createCommandBus, type AnyCommandDefinition, type CommandBus } from '@bizosaas/cqrs';
import { createEventStore } from '@bizosaas/event-store';
import { uuidv7 } from '@bizosaas/event-schemas';
import { contact } from '../lead/lead-test-fixtures.ts';
import { leadCommands } from '../lead/lead-commands.ts';
import { leadAggregate, type LeadCommandUnion } from '../lead/lead-decider.ts';
import { runAggregate } from './run-aggregate.ts';
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
      if (key === 'query') return (...args: unknown[]) => ((seen.queries += 1), (target.query as (...a: unknown[]) => unknown)(...args));
      if (key === 'connect') return (...args: unknown[]) => ((seen.connects += 1), (target.connect as (...a: unknown[]) => unknown)(...args));
      return Reflect.get(target, key, receiver);
    },
  });
  return { pool: proxy, seen };
}

const capture = (tenantId: string, leadId: string) => ({
  aggregateId: leadId,
  command: {
    type: 'lead.capture',
    data: { leadId, contact, source: 'website_form', utmParameters: {}, campaignId: null },
    metadata: { now: new Date(), tenantId, actor: { type: 'user', id: randomUUID() } },
  } as LeadCommandUnion,
});

describe('runAggregate on a new aggregate ({ newAggregateIn: pool })', () => {
  it('loads nothing and appends in one autocommitted statement, no transaction', async () => {
    const tenantId = randomUUID();
    const leadId = uuidv7();
    const { pool, seen } = counted(app);
    const run = await runAggregate(store, { newAggregateIn: pool }, leadAggregate, capture(tenantId, leadId));
    expect(seen).toEqual({ queries: 1, connects: 0 });
    expect(run.version).toBe(1);
    expect(run.envelopes.map((event) => event.type)).toEqual(['lead.created']);
    const stored = await store.transaction(app, tenantId, (client) => store.readStream(client, { aggregateType: 'lead', aggregateId: leadId }));
    expect(stored.map((event) => [event.type, event.aggregateVersion, event.tenantId])).toEqual([['lead.created', 1, tenantId]]);
  });

  it('is still version-guarded: an id whose stream exists is a CONCURRENCY_EXCEPTION and appends nothing', async () => {
    const tenantId = randomUUID();
    const leadId = uuidv7();
    await runAggregate(store, { newAggregateIn: app }, leadAggregate, capture(tenantId, leadId));
    await expect(runAggregate(store, { newAggregateIn: app }, leadAggregate, capture(tenantId, leadId))).rejects.toMatchObject({
      code: 'CONCURRENCY_EXCEPTION', details: { expectedVersion: 0, actualVersion: 1 },
    });
    const stored = await store.transaction(app, tenantId, (client) => store.readStream(client, { aggregateType: 'lead', aggregateId: leadId }));
    expect(stored).toHaveLength(1);
  });
});

describe('createsAggregate commands', () => {
  it('lead.capture runs as one statement on the pool, a command on an existing lead in a transaction', async () => {
    const tenantId = randomUUID();
    const { pool, seen } = counted(app);
    let bus: CommandBus<AnyCommandDefinition> = createCommandBus();
    for (const definition of leadCommands({ pool, store, clockSkewMs: 300_000 })) bus = bus.register(definition);
    const metadata = { now: new Date(), tenantId, actor: { type: 'user' as const, id: randomUUID() } };
    const lead = (await bus.execute({
      type: 'lead.capture', data: { contact, source: 'website_form' }, metadata,
    } as never)) as { id: string; version: number };
    expect(lead.version).toBe(1);
    expect(seen).toEqual({ queries: 1, connects: 0 });
    await bus.execute({ type: 'lead.contact', data: { leadId: lead.id, channel: 'call', notes: null }, metadata } as never);
    expect(seen.connects).toBe(1);
  });
});
