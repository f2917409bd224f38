import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { conditionHolds, whenHolds } from './rule-condition.ts';
import { ruleBody, ruleCondition } from './rule.ts';

const data = { newChurnRisk: 85, previousChurnRisk: 40, score: { totalScore: 72 }, method: 'manual', ai: false };

describe('rule conditions', () => {
  it('compares numbers with gt, gte, lt and lte, all given bounds together', () => {
    expect(conditionHolds({ field: 'newChurnRisk', gte: 85 }, data)).toBe(true);
    expect(conditionHolds({ field: 'newChurnRisk', gt: 85 }, data)).toBe(false);
    expect(conditionHolds({ field: 'newChurnRisk', gte: 70, lt: 90 }, data)).toBe(true);
    expect(conditionHolds({ field: 'newChurnRisk', gte: 70, lte: 80 }, data)).toBe(false);
  });

  it('reads dotted paths and matches equals and in', () => {
    expect(conditionHolds({ field: 'score.totalScore', gte: 70 }, data)).toBe(true);
    expect(conditionHolds({ field: 'method', in: ['ai', 'manual'] }, data)).toBe(true);
    expect(conditionHolds({ field: 'method', in: ['ai'] }, data)).toBe(false);
    expect(conditionHolds({ field: 'ai', equals: false }, data)).toBe(true);
  });

  it('fails on a missing field or a non-number under a comparison', () => {
    expect(conditionHolds({ field: 'riskLevel', in: ['high'] }, data)).toBe(false);
    expect(conditionHolds({ field: 'score.missing', gte: 0 }, data)).toBe(false);
    expect(conditionHolds({ field: 'method', gte: 0 }, data)).toBe(false);
    expect(conditionHolds({ field: 'toString', equals: 'x' }, data)).toBe(false);
  });

  it('holds for no conditions and needs every one of a list', () => {
    expect(whenHolds(null, data)).toBe(true);
    expect(
      whenHolds(
        [
          { field: 'newChurnRisk', gte: 70 },
          { field: 'previousChurnRisk', lt: 70 },
        ],
        data,
      ),
    ).toBe(true);
    expect(
      whenHolds(
        [
          { field: 'newChurnRisk', gte: 70 },
          { field: 'previousChurnRisk', gte: 70 },
        ],
        data,
      ),
    ).toBe(false);
  });

  it('a gte/lt pair splits every number in two', () =>
    fc.assert(
      fc.property(fc.double({ noNaN: true }), fc.double({ noNaN: true }), (value, bound) => {
        const above = conditionHolds({ field: 'x', gte: bound }, { x: value });
        const below = conditionHolds({ field: 'x', lt: bound }, { x: value });
        expect(above).not.toBe(below);
      }),
    ));

  it('refuses a condition without an operator and subject_user outside user events', () => {
    expect(ruleCondition.safeParse({ field: 'newChurnRisk' }).success).toBe(false);
    const refused = ruleBody.safeParse({
      eventType: 'lead.qualified',
      templateKey: 'lead-qualified',
      recipient: { type: 'subject_user' },
    });
    expect(refused.error?.issues[0]?.path).toEqual(['recipient', 'type']);
  });
});
