import { describe, expect, it } from 'vitest';
import { createEvent } from '../create-event.ts';
import { InvalidEventError } from '../errors.ts';
import { parseEvent } from '../parse-event.ts';
import { fixedClock, nextTestId, tenantId, userActor } from '../test-fixtures.ts';
import { eventCatalogue, type EventType } from './catalogue.ts';

// Seed 002's event catalogue, verbatim.
const seedTypes = [
  'user.created',
  'user.updated',
  'user.deactivated',
  'tenant.created',
  'tenant.subscription_changed',
  'lead.created',
  'lead.qualified',
  'lead.converted',
  'campaign.created',
  'campaign.launched',
  'campaign.optimized',
  'ai.analysis_requested',
  'ai.analysis_started',
  'ai.analysis_completed',
  'ai.analysis_failed',
  'agent.task_assigned',
  'agent.task_completed',
  'agent.task_failed',
] as const;

const types = Object.keys(eventCatalogue) as EventType[];

function rawEventOf(type: EventType, data: unknown) {
  const event = createEvent(
    { type, tenantId, actor: userActor, data: eventCatalogue[type].example },
    { now: fixedClock, newId: nextTestId },
  );
  return { ...event, data };
}

function issuesOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidEventError);
    return (error as InvalidEventError).issues.map((issue) => issue.path);
  }
  throw new Error('expected an InvalidEventError');
}

/** Replaces a value with one of another JSON type, so every schema must reject it. */
const corrupt = (value: unknown) => (typeof value === 'number' ? 'not-a-number' : 12345);

describe('event catalogue', () => {
  // The aggregates' own events (campaign.paused, ...) come on top of the seed's catalogue.
  it("covers every one of seed 002's event types", () => {
    expect(types).toEqual(expect.arrayContaining([...seedTypes]));
  });

  it.each(types)('%s: its example parses through the full envelope', (type) => {
    const raw = JSON.parse(JSON.stringify(rawEventOf(type, eventCatalogue[type].example)));
    const event = parseEvent(raw);
    expect(event.type).toBe(type);
    expect(event.aggregateType).toBe(eventCatalogue[type].aggregateType);
    expect(event.data).toEqual(eventCatalogue[type].example);
  });

  it.each(types)('%s: a payload with every field wrong reports every field', (type) => {
    const example = eventCatalogue[type].example as Record<string, unknown>;
    const bad = Object.fromEntries(Object.entries(example).map(([key, value]) => [key, corrupt(value)]));
    const paths = issuesOf(() => parseEvent(rawEventOf(type, bad)));
    expect(paths.sort()).toEqual(
      Object.keys(example)
        .map((key) => `data.${key}`)
        .sort(),
    );
  });

  it.each(types)('%s: a missing data object is reported at data', (type) => {
    expect(issuesOf(() => parseEvent(rawEventOf(type, undefined)))).toEqual(['data']);
  });

  it('lists nested issues with their paths (lead.created)', () => {
    const example = eventCatalogue['lead.created'].example;
    const bad = { ...example, contact: { ...example.contact, email: 'nope', phone: 'call me' }, source: 'fax' };
    expect(issuesOf(() => parseEvent(rawEventOf('lead.created', bad))).sort()).toEqual([
      'data.contact.email',
      'data.contact.phone',
      'data.source',
    ]);
  });

  it('rejects money as a number or with too many decimals', () => {
    const bad = { customerId: '0192f5a3-9d2e-7c4b-8a11-5e6f708192a3', conversionValue: 5000, currency: 'usd' };
    expect(issuesOf(() => parseEvent(rawEventOf('lead.converted', bad))).sort()).toEqual([
      'data.conversionValue',
      'data.currency',
    ]);
    const budget = { ...eventCatalogue['campaign.created'].example.budget, totalBudget: '10000.123456' };
    const campaign = { ...eventCatalogue['campaign.created'].example, budget };
    expect(issuesOf(() => parseEvent(rawEventOf('campaign.created', campaign)))).toEqual(['data.budget.totalBudget']);
  });

  it('requires user.updated to change something', () => {
    expect(issuesOf(() => parseEvent(rawEventOf('user.updated', { changes: {} })))).toEqual(['data.changes']);
  });

  it('marks personal data as sensitive', () => {
    expect(eventCatalogue['lead.created'].sensitivePaths).toEqual([
      'contact.email',
      'contact.firstName',
      'contact.lastName',
      'contact.phone',
    ]);
    expect(eventCatalogue['user.updated'].sensitivePaths).toEqual([
      'changes.email',
      'changes.firstName',
      'changes.lastName',
    ]);
    expect(eventCatalogue['tenant.created'].sensitivePaths).toEqual(['ownerEmail']);
    expect(eventCatalogue['campaign.created'].sensitivePaths).toEqual([]);
  });

  it('is at schemaVersion 1 everywhere, with no upcasters yet', () => {
    for (const type of types) {
      expect(eventCatalogue[type].schemaVersion).toBe(1);
      expect(eventCatalogue[type].upcasters).toEqual([]);
    }
  });
});
