import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createEvent } from './create-event.ts';
import { defineCatalogue } from './define-catalogue.ts';
import { defineEvent, defineUpcaster } from './define-event.ts';
import { InvalidEventError } from './errors.ts';
import { parseEvent } from './parse-event.ts';
import { fixedClock, nextTestId, tenantId, userActor } from './test-fixtures.ts';

// A made-up history: v1 {text}, v2 renamed it to {note}, v3 added {visibility}.
const v1 = z.object({ text: z.string() });
const v2 = z.object({ note: z.string() });
const noteAdded = defineEvent({
  type: 'lead.note_added',
  aggregateType: 'lead',
  description: 'test-only event with two upcasters',
  schemaVersion: 3,
  upcasters: [
    defineUpcaster(v1, (old) => ({ note: old.text })),
    defineUpcaster(v2, (old) => ({ ...old, visibility: 'internal' })),
  ],
  data: z.object({ note: z.string().min(1), visibility: z.enum(['internal', 'shared']) }),
  example: { note: 'called back', visibility: 'shared' },
});
const brokenUpcaster = defineEvent({
  type: 'lead.tagged',
  aggregateType: 'lead',
  description: 'test-only event whose upcaster throws',
  schemaVersion: 2,
  upcasters: [
    () => {
      throw new Error('tag format unknown');
    },
  ],
  data: z.object({ tag: z.string() }),
  example: { tag: 'vip' },
});
const catalogue = defineCatalogue([noteAdded, brokenUpcaster]);

function stored(schemaVersion: number, data: unknown, type = 'lead.note_added') {
  const current = createEvent(
    { type: 'lead.note_added', tenantId, actor: userActor, data: noteAdded.example },
    { catalogue, now: fixedClock, newId: nextTestId },
  );
  return { ...current, type, schemaVersion, data };
}

describe('upcasting on read', () => {
  it('lifts v1 through every upcaster to the current version', () => {
    const event = parseEvent(stored(1, { text: 'left a voicemail' }), catalogue);
    expect(event.schemaVersion).toBe(3);
    expect(event.data).toEqual({ note: 'left a voicemail', visibility: 'internal' });
  });

  it('lifts v2 with only the remaining upcaster', () => {
    const event = parseEvent(stored(2, { note: 'sent pricing' }), catalogue);
    expect(event.data).toEqual({ note: 'sent pricing', visibility: 'internal' });
  });

  it('leaves current-version data alone', () => {
    expect(parseEvent(stored(3, { note: 'x', visibility: 'shared' }), catalogue).data).toEqual({
      note: 'x',
      visibility: 'shared',
    });
  });

  it('reports malformed old data with paths and the failing step', () => {
    const error = (() => {
      try {
        parseEvent(stored(1, { txt: 'typo' }), catalogue);
      } catch (caught) {
        return caught as InvalidEventError;
      }
      throw new Error('expected failure');
    })();
    expect(error).toBeInstanceOf(InvalidEventError);
    expect(error.issues).toEqual([{ path: 'data.text', message: expect.stringContaining('(upcasting v1 -> v2)') }]);
  });

  it('validates the upcast result against the current schema', () => {
    expect(() => parseEvent(stored(1, { text: '' }), catalogue)).toThrowError(/data\.note/);
  });

  it('reports an upcaster that throws', () => {
    expect(() => parseEvent(stored(1, { tag: 1 }, 'lead.tagged'), catalogue)).toThrowError(
      /data: tag format unknown \(upcasting v1 -> v2\)/,
    );
  });

  it('refuses a definition whose version does not match its upcasters', () => {
    expect(() =>
      defineEvent({
        type: 'lead.bad',
        aggregateType: 'lead',
        description: 'x',
        schemaVersion: 2,
        data: z.object({}),
        example: {},
      }),
    ).toThrowError(/schemaVersion 2 needs 1 upcasters, got 0/);
  });

  it('refuses two definitions of one type and an example that does not fit', () => {
    expect(() => defineCatalogue([noteAdded, noteAdded])).toThrowError(/defined twice/);
    expect(() =>
      defineEvent({
        type: 'lead.x',
        aggregateType: 'lead',
        description: 'x',
        data: z.object({ a: z.string() }),
        example: { a: 1 } as never,
      }),
    ).toThrowError(/example does not match/);
  });
});
