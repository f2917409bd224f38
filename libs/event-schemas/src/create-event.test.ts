import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventCatalogue, type EventType } from './catalogue/catalogue.ts';
import { createEvent } from './create-event.ts';
import type { Actor } from './envelope.ts';
import { InvalidEventError, UnknownEventTypeError } from './errors.ts';
import { parseEvent } from './parse-event.ts';
import { fixedClock, nextTestId, tenantId, userActor } from './test-fixtures.ts';
import { createUuidv7 } from './uuidv7.ts';

describe('createEvent', () => {
  it('stamps id and occurredAt from the injected sources and fills the catalogue fields', () => {
    const event = createEvent(
      { type: 'lead.converted', tenantId, actor: userActor, data: eventCatalogue['lead.converted'].example },
      { now: fixedClock, newId: () => '0194500c-a000-7000-8000-00000000abcd' },
    );
    expect(event).toEqual({
      id: '0194500c-a000-7000-8000-00000000abcd',
      type: 'lead.converted',
      schemaVersion: 1,
      tenantId,
      aggregateType: 'lead',
      // not from an aggregate here: the event is its own stream, version 1
      aggregateId: '0194500c-a000-7000-8000-00000000abcd',
      aggregateVersion: 1,
      occurredAt: '2025-01-10T12:00:00.000Z',
      correlationId: '0194500c-a000-7000-8000-00000000abcd',
      causationId: null,
      actor: userActor,
      data: eventCatalogue['lead.converted'].example,
    });
  });

  it('continues a chain from the event that caused it', () => {
    const first = createEvent(
      { type: 'lead.created', tenantId, actor: userActor, data: eventCatalogue['lead.created'].example },
      { newId: nextTestId },
    );
    const next = createEvent(
      {
        type: 'ai.analysis_requested',
        tenantId,
        actor: { type: 'service', id: 'domain-repository' },
        causedBy: first,
        data: eventCatalogue['ai.analysis_requested'].example,
      },
      { newId: nextTestId },
    );
    expect(next.correlationId).toBe(first.correlationId);
    expect(next.causationId).toBe(first.id);
    expect(next.aggregateType).toBe('ai_analysis');
  });

  it('keeps an explicit aggregate identity', () => {
    const leadId = '5b0e4f6a-1c2d-4e3f-9a8b-7c6d5e4f3a2b';
    const event = createEvent({
      type: 'lead.qualified',
      tenantId,
      actor: userActor,
      aggregateId: leadId,
      aggregateVersion: 2,
      data: eventCatalogue['lead.qualified'].example,
    });
    expect([event.aggregateId, event.aggregateVersion]).toEqual([leadId, 2]);
    expect(event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
  });

  it('refuses invalid data with every issue', () => {
    const data = { customerId: 'c-1', conversionValue: '5,000.00', currency: 'USD' };
    expect(() => createEvent({ type: 'lead.converted', tenantId, actor: userActor, data })).toThrowError(
      InvalidEventError,
    );
    try {
      createEvent({ type: 'lead.converted', tenantId, actor: userActor, data });
    } catch (error) {
      expect((error as InvalidEventError).issues.map((issue) => issue.path)).toEqual([
        'data.customerId',
        'data.conversionValue',
      ]);
    }
  });

  it('refuses a type the catalogue does not have', () => {
    expect(() =>
      createEvent({ type: 'lead.vanished' as EventType, tenantId, actor: userActor, data: {} as never }),
    ).toThrowError(UnknownEventTypeError);
  });
});

const types = Object.keys(eventCatalogue) as EventType[];
const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).filter((s) => s.trim() === s && s.length > 0);
const money = fc
  .tuple(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.integer({ min: 0, max: 99 }))
  .map(([units, cents]) => `${units}.${String(cents).padStart(2, '0')}`);
const actor: fc.Arbitrary<Actor> = fc.oneof(
  fc.uuid({ version: 4 }).map((id) => ({ type: 'user' as const, id })),
  fc.constantFrom('ai-agents', 'campaign', 'outbox-relay').map((id) => ({ type: 'service' as const, id })),
);
const json = fc.jsonValue().map((value) => JSON.parse(JSON.stringify(value)) as unknown);

/** Data for a type: its example, with the free-form parts varied where the schema allows it. */
const dataFor = (type: EventType): fc.Arbitrary<unknown> => {
  const example = eventCatalogue[type].example as Record<string, unknown>;
  switch (type) {
    case 'lead.created':
      return fc.record({ first: text, company: fc.option(text) }).map(({ first, company }) => ({
        ...example,
        contact: { ...(example.contact as object), firstName: first, company },
      }));
    case 'lead.converted':
      return money.map((conversionValue) => ({ ...example, conversionValue }));
    case 'ai.analysis_completed':
      return fc.dictionary(fc.string(), json).map((results) => ({ ...example, results }));
    default:
      return fc.constant(example);
  }
};

describe('createEvent -> JSON -> parseEvent', () => {
  it('is the identity', () => {
    const input = fc.constantFrom(...types).chain((type) =>
      fc.record({
        type: fc.constant(type),
        data: dataFor(type),
        tenantId: fc.uuid({ version: 4 }),
        actor,
        aggregateId: fc.option(fc.uuid({ version: 4 }), { nil: undefined }),
        aggregateVersion: fc.option(fc.integer({ min: 1, max: 1_000_000 }), { nil: undefined }),
        at: fc.date({
          min: new Date('2000-01-01T00:00:00Z'),
          max: new Date('2100-01-01T00:00:00Z'),
          noInvalidDate: true,
        }),
        replay: fc.option(fc.boolean(), { nil: undefined }),
      }),
    );
    fc.assert(
      fc.property(input, ({ at, replay, ...fields }) => {
        const event = createEvent(
          { ...fields, data: fields.data as never, ...(replay === undefined ? {} : { metadata: { replay } }) },
          { now: () => at, newId: createUuidv7({ now: () => at.getTime() }) },
        );
        expect(parseEvent(JSON.parse(JSON.stringify(event)))).toStrictEqual(event);
      }),
      { numRuns: 300 },
    );
  });
});
