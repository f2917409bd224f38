import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.ts';
import { futureFactIssues, refuseFutureFacts } from './future-facts.ts';

const now = new Date('2026-06-01T12:00:00.000Z');
const skew = 120_000;

describe('future facts', () => {
  it('accepts the past, now and instants within the clock skew', () => {
    expect(
      futureFactIssues(
        { a: '2020-01-01T00:00:00Z', b: now, c: '2026-06-01T12:02:00.000Z', d: now.getTime() + skew },
        now,
        skew,
      ),
    ).toEqual([]);
  });

  it('names every instant beyond the skew, whatever its form', () => {
    const issues = futureFactIssues(
      {
        purchasedAt: '9999-12-31T00:00:00Z',
        ok: '2026-06-01T11:00:00Z',
        'events.1.occurredAt': now.getTime() + skew + 1,
      },
      now,
      skew,
      'query',
    );
    expect(issues.map((issue) => [issue.path, issue.location])).toEqual([
      ['purchasedAt', 'query'],
      ['events.1.occurredAt', 'query'],
    ]);
    expect(issues[0]!.message).toContain('2026-06-01T12:02:00.000Z');
  });

  it('leaves absent and unparsable values to the schema', () => {
    expect(futureFactIssues({ a: undefined, b: null, c: 'tomorrow' }, now, skew)).toEqual([]);
  });

  it('refuses with one VALIDATION_ERROR listing the fields', () => {
    const refused = (() => {
      try {
        refuseFutureFacts({ interactedAt: '2027-01-01T00:00:00Z' }, now, skew);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).details.issues).toEqual([
      expect.objectContaining({ path: 'interactedAt', location: 'body' }),
    ]);
    expect(() => refuseFutureFacts({ interactedAt: '2026-01-01T00:00:00Z' }, now, skew)).not.toThrow();
  });
});
