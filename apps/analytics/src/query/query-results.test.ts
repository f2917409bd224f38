import { describe, expect, it } from 'vitest';
import { toResults } from './query-results.ts';
import type { FigureRow } from './query-sql.ts';
import type { QuerySpec } from './query-spec.ts';

const HOUR = 3_600_000;
const start = Date.parse('2026-12-01T00:00:00Z');
const spec = (overrides: Partial<QuerySpec>): QuerySpec => ({
  metrics: ['leadsCreated', 'revenue'],
  dimensions: ['source'],
  filters: [],
  interval: 'hour',
  range: { fromMs: start, toMs: start + 2 * HOUR, timezone: 'UTC' },
  ...overrides,
});
const row = (b: number | null, src: string | null, type: string, currency: string, events: number, amount = '0') =>
  ({ b, et: null, src, cmp: null, type, currency, events, amount }) satisfies FigureRow;

describe('toResults', () => {
  it('gives every bucket to every combination with data, a missing dimension last, money per currency', () => {
    const rows = [
      row(start + HOUR, null, 'lead.created', '', 2),
      row(start + HOUR, 'referral', 'lead.converted', 'USD', 1, '0.10'),
      row(start + HOUR, 'referral', 'lead.converted', 'EUR', 2, '1.005'),
      row(start, 'api', 'lead.created', '', 1),
    ];
    const results = toResults(spec({}), [start, start + HOUR], { r: rows, s: [] });
    expect(results.map((r) => [r.bucket, r.dimensions.source, r.metrics.leadsCreated])).toEqual([
      ['2026-12-01T00:00:00+00:00', 'api', 1],
      ['2026-12-01T00:00:00+00:00', 'referral', 0],
      ['2026-12-01T00:00:00+00:00', null, 0],
      ['2026-12-01T01:00:00+00:00', 'api', 0],
      ['2026-12-01T01:00:00+00:00', 'referral', 0],
      ['2026-12-01T01:00:00+00:00', null, 2],
    ]);
    expect(results[4]?.metrics.revenue).toEqual([
      { amount: '1.01', currency: 'EUR' },
      { amount: '0.10', currency: 'USD' },
    ]);
    expect(results[0]?.metrics.revenue).toEqual([]);
  });

  it('without an interval or dimensions answers one row, zeros when nothing happened', () => {
    const results = toResults(spec({ interval: undefined, dimensions: [], metrics: ['events', 'subjects'] }), null, {
      r: [],
      s: [],
    });
    expect(results).toEqual([{ bucket: null, dimensions: {}, metrics: { events: 0, subjects: 0 } }]);
  });

  it('refuses a row whose bucket is not in the series rather than dropping its figures', () => {
    expect(() =>
      toResults(spec({}), [start], { r: [row(start + 5 * HOUR, null, 'lead.created', '', 1)], s: [] }),
    ).toThrow(/not in the series/);
  });
});
