import { describe, expect, it } from 'vitest';
import { eventCatalogue } from './catalogue/catalogue.ts';
import { createEvent } from './create-event.ts';
import { InvalidEventError, UnknownEventTypeError } from './errors.ts';
import { parseEvent } from './parse-event.ts';
import { fixedClock, nextTestId, tenantId, userActor } from './test-fixtures.ts';

const leadCreated = () =>
  createEvent(
    { type: 'lead.created', tenantId, actor: userActor, data: eventCatalogue['lead.created'].example },
    { now: fixedClock, newId: nextTestId },
  );

function failure(run: () => unknown): Error & { issues: { path: string; message: string }[] } {
  try {
    run();
  } catch (error) {
    return error as never;
  }
  throw new Error('expected parseEvent to throw');
}

describe('parseEvent', () => {
  it('narrows data by type', () => {
    const event = parseEvent(JSON.parse(JSON.stringify(leadCreated())));
    if (event.type !== 'lead.created') throw new Error('wrong type');
    expect(event.data.contact.email).toBe('john.doe@example.com');
  });

  it('answers an unknown type with UnknownEventTypeError (VALIDATION_ERROR, 400)', () => {
    const error = failure(() => parseEvent({ ...leadCreated(), type: 'lead.teleported' }));
    expect(error).toBeInstanceOf(UnknownEventTypeError);
    expect(error).toMatchObject({ code: 'VALIDATION_ERROR', status: 400, eventType: 'lead.teleported' });
    expect(error.issues).toEqual([{ path: 'type', message: 'unknown event type "lead.teleported"' }]);
    expect(error.message).toContain('lead.teleported');
  });

  it('reports a malformed type as an envelope issue', () => {
    const error = failure(() => parseEvent({ ...leadCreated(), type: 'LeadCreated' }));
    expect(error).toBeInstanceOf(InvalidEventError);
    expect(error.issues.map((issue) => issue.path)).toEqual(['type']);
  });

  it('lists envelope and data issues together, every one with its path', () => {
    const event = leadCreated();
    const raw = {
      ...event,
      id: '550e8400-e29b-41d4-a716-446655440000', // a v4, not a v7
      tenantId: 'tenant-1',
      occurredAt: '10/01/2025',
      actor: { type: 'robot', id: 'x' },
      data: { ...event.data, contact: { ...event.data.contact, email: 'not-an-email' } },
    };
    const error = failure(() => parseEvent(raw));
    expect(error).toBeInstanceOf(InvalidEventError);
    expect(error.issues.map((issue) => issue.path).sort()).toEqual([
      'actor.type',
      'data.contact.email',
      'id',
      'occurredAt',
      'tenantId',
    ]);
    expect(error.message).toContain('data.contact.email');
  });

  it('rejects an aggregateType that does not match the catalogue', () => {
    const error = failure(() => parseEvent({ ...leadCreated(), aggregateType: 'customer' }));
    expect(error.issues).toEqual([{ path: 'aggregateType', message: 'must be "lead" for lead.created' }]);
  });

  it('rejects a schemaVersion newer than the reader knows', () => {
    const error = failure(() => parseEvent({ ...leadCreated(), schemaVersion: 2 }));
    expect(error).toBeInstanceOf(InvalidEventError);
    expect(error.issues.map((issue) => issue.path)).toEqual(['schemaVersion']);
  });

  it.each([null, 'lead.created', 42, []])('rejects %j as an event', (raw) => {
    const error = failure(() => parseEvent(raw));
    expect(error).toBeInstanceOf(InvalidEventError);
    expect(error.issues.length).toBeGreaterThan(0);
  });

  it('lists every missing envelope field', () => {
    const error = failure(() => parseEvent({ type: 'lead.created', data: eventCatalogue['lead.created'].example }));
    expect(error.issues.map((issue) => issue.path).sort()).toEqual([
      'actor',
      'aggregateId',
      'aggregateType',
      'aggregateVersion',
      'causationId',
      'correlationId',
      'id',
      'occurredAt',
      'schemaVersion',
      'tenantId',
    ]);
  });

  it('drops unknown keys (tolerant reader) and keeps metadata', () => {
    const raw = { ...leadCreated(), extra: true, metadata: { replay: true } };
    const event = parseEvent(raw);
    expect(event).not.toHaveProperty('extra');
    expect(event.metadata).toEqual({ replay: true });
  });
});

describe('sealed sensitive fields', () => {
  const sealed = 'enc:v1:1:q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQ';
  it('accepts the sealed form of a sensitive field, and only there', () => {
    const event = leadCreated();
    const contact = { ...event.data.contact, email: sealed, firstName: sealed };
    const parsed = parseEvent(JSON.parse(JSON.stringify({ ...event, data: { ...event.data, contact } })));
    if (parsed.type !== 'lead.created') throw new Error('wrong type');
    expect(parsed.data.contact).toMatchObject({ email: sealed, firstName: sealed });
    const error = failure(() => parseEvent({ ...event, data: { ...event.data, source: sealed } }));
    expect(error.issues.map((issue) => issue.path)).toEqual(['data.source']);
  });

  it('reports a value that is neither plaintext nor sealed with the plaintext rule', () => {
    const event = leadCreated();
    const error = failure(() =>
      parseEvent({ ...event, data: { ...event.data, contact: { ...event.data.contact, email: 'enc:v2:nope' } } }),
    );
    expect(error.issues).toEqual([{ path: 'data.contact.email', message: 'Invalid email address' }]);
  });
});
