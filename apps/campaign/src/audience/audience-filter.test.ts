import { describe, expect, it } from 'vitest';
import { audienceFilter } from './audience-filter.ts';
import { compileAudienceFilter } from './compile-audience-filter.ts';
import { selectAudienceSql } from './select-audience-sql.ts';

const problems = (input: unknown) =>
  audienceFilter.safeParse(input).error?.issues.map((issue) => issue.path.join('.')) ?? [];

describe('audienceFilter', () => {
  it('accepts every condition together', () => {
    const filter = {
      kind: ['lead'],
      status: ['new', 'contacted'],
      source: ['paid_ads'],
      score: { min: 50, max: 90.5 },
      utm: { source: ['google'], medium: ['cpc'], campaign: ['spring'] },
      customerTier: ['GOLD'],
      churnRisk: { min: 70 },
      createdAt: { from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00+01:00' },
    };
    expect(audienceFilter.parse(filter)).toEqual(filter);
  });

  it('names every bad field: unknown keys, repeats, empty lists, reversed ranges, unknown values', () => {
    expect(problems({ tags: ['vip'] })).toEqual(['']);
    expect(problems({ status: ['new', 'new'] })).toEqual(['status']);
    expect(problems({ source: [] })).toEqual(['source']);
    expect(problems({ score: { min: 80, max: 20 } })).toEqual(['score.min']);
    expect(problems({ score: { min: 101 } })).toEqual(['score.min']);
    expect(problems({ createdAt: { from: '2026-12-02T00:00:00Z', to: '2026-12-01T00:00:00Z' } })).toEqual([
      'createdAt.from',
    ]);
    expect(problems({ status: ['archived'] })).toEqual(['status.0']);
    expect(problems({ utm: { term: ['x'] } })).toEqual(['utm']);
    expect(problems({ customerTier: Array.from({ length: 51 }, () => 'GOLD') })).toEqual(['customerTier']);
  });
});

describe('compileAudienceFilter', () => {
  it('numbers placeholders from firstParam and keeps values out of the SQL text', () => {
    const hostile = "x'); DROP TABLE contacts; --";
    const compiled = compileAudienceFilter({ utm: { campaign: [hostile] }, score: { min: 10 } }, 4);
    expect(compiled).toEqual({
      where: 'score >= $4::numeric AND utm_campaign = ANY($5::text[])',
      params: [10, [hostile]],
    });
  });

  it('is TRUE for no condition', () => {
    expect(compileAudienceFilter({})).toEqual({ where: 'TRUE', params: [] });
  });

  it('selects the audience of the tenant in $1 with the filter after the caller’s placeholders', () => {
    const { sql, params } = selectAudienceSql({ status: ['new'] }, 3);
    expect(sql).toContain('WHERE tenant_id = $1 AND (status = ANY($3::text[]))');
    expect(params).toEqual([['new']]);
  });
});
