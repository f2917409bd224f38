import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BusinessRuleViolation } from '../errors.ts';
import { and, named, not, or } from './combinators.ts';
import { assertSatisfies, ruleViolation } from './rule-violation.ts';
import { specification, type Specification } from './specification.ts';

type Lead = { status: 'new' | 'qualified' | 'converted'; email: string | null; phone: string | null };

const isQualified = specification<Lead>(
  'lead.is_qualified',
  (l) => l.status === 'qualified',
  (l) => ({
    reason: `lead is ${l.status}, not qualified`,
    details: { currentStatus: l.status },
  }),
);
const hasEmail = specification<Lead>('lead.has_email', (l) => l.email !== null, 'lead has no email');
const hasPhone = specification<Lead>('lead.has_phone', (l) => l.phone !== null, 'lead has no phone');
const lead = (over: Partial<Lead> = {}): Lead => ({ status: 'new', email: null, phone: null, ...over });

/** Specifications over integers built from random thresholds, for the algebraic laws. */
const arbitrarySpec: fc.Arbitrary<Specification<number>> = fc.letrec<{ spec: Specification<number> }>((tie) => ({
  spec: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.integer({ min: -50, max: 50 }).map((t) => specification<number>(`gte_${t}`, (n) => n >= t, `below ${t}`)),
    fc.tuple(tie('spec'), tie('spec')).map(([a, b]) => and(a, b)),
    fc.tuple(tie('spec'), tie('spec')).map(([a, b]) => or(a, b)),
    tie('spec').map((s) => not(s)),
  ),
})).spec;
const candidate = fc.integer({ min: -60, max: 60 });

describe('specifications', () => {
  it('explain lists every failing rule of an and, with its reason and details', () => {
    const canConvert = and(isQualified, hasEmail, hasPhone);
    expect(canConvert.explain(lead({ phone: '+1 555 0100' }))).toEqual([
      { rule: 'lead.is_qualified', reason: 'lead is new, not qualified', details: { currentStatus: 'new' } },
      { rule: 'lead.has_email', reason: 'lead has no email' },
    ]);
    expect(canConvert.explain(lead({ status: 'qualified', email: 'a@b.co', phone: '1' }))).toEqual([]);
  });

  it('an or fails once, naming the alternatives; named() gives a composite a business rule', () => {
    const reachable = or(hasEmail, hasPhone);
    expect(reachable.isSatisfiedBy(lead({ phone: '1' }))).toBe(true);
    expect(reachable.explain(lead())).toEqual([
      {
        rule: '(lead.has_email or lead.has_phone)',
        reason: 'none of: lead has no email; lead has no phone',
        details: { alternatives: [hasEmail.explain(lead())[0], hasPhone.explain(lead())[0]] },
      },
    ]);
    const contactable = named(reachable, 'lead.contactable', 'needs an email or a phone');
    expect(contactable.explain(lead())).toEqual([
      {
        rule: 'lead.contactable',
        reason: 'needs an email or a phone',
        details: { because: reachable.explain(lead()) },
      },
    ]);
    expect(not(isQualified).explain(lead({ status: 'qualified' }))).toEqual([
      { rule: 'not lead.is_qualified', reason: 'must not satisfy lead.is_qualified' },
    ]);
  });

  it('explain is empty exactly when the specification is satisfied', () => {
    fc.assert(
      fc.property(arbitrarySpec, candidate, (s, n) => {
        expect(s.explain(n).length === 0).toBe(s.isSatisfiedBy(n));
      }),
    );
  });

  it('obey not(not(s)) = s and de Morgan', () => {
    fc.assert(
      fc.property(arbitrarySpec, arbitrarySpec, candidate, (a, b, n) => {
        expect(not(not(a)).isSatisfiedBy(n)).toBe(a.isSatisfiedBy(n));
        expect(not(and(a, b)).isSatisfiedBy(n)).toBe(or(not(a), not(b)).isSatisfiedBy(n));
        expect(not(or(a, b)).isSatisfiedBy(n)).toBe(and(not(a), not(b)).isSatisfiedBy(n));
      }),
    );
  });

  it('and/or are commutative and associative in what they accept', () => {
    fc.assert(
      fc.property(arbitrarySpec, arbitrarySpec, arbitrarySpec, candidate, (a, b, c, n) => {
        expect(and(a, b).isSatisfiedBy(n)).toBe(and(b, a).isSatisfiedBy(n));
        expect(or(a, or(b, c)).isSatisfiedBy(n)).toBe(or(or(a, b), c).isSatisfiedBy(n));
        expect(and(a, and(b, c)).isSatisfiedBy(n)).toBe(and(and(a, b), c).isSatisfiedBy(n));
      }),
    );
  });
});

describe('rule violations', () => {
  it('one failure: BUSINESS_RULE_VIOLATION naming the rule and the current state', () => {
    const error = ruleViolation([
      { rule: 'lead.is_qualified', reason: 'lead is new', details: { currentStatus: 'new' } },
    ]);
    expect([error.code, error.status, error.message]).toEqual(['BUSINESS_RULE_VIOLATION', 422, 'lead is new']);
    expect(error.details).toEqual({
      rule: 'lead.is_qualified',
      currentStatus: 'new',
      violations: [{ rule: 'lead.is_qualified', reason: 'lead is new', details: { currentStatus: 'new' } }],
    });
  });

  it('assertSatisfies throws every broken rule at once, and nothing when satisfied', () => {
    const canConvert = and(isQualified, hasEmail, hasPhone);
    const error = (() => {
      try {
        assertSatisfies(canConvert, lead());
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(BusinessRuleViolation);
    const details = (error as BusinessRuleViolation).details;
    expect(details.rule).toBe('lead.is_qualified');
    expect((details.violations as { rule: string }[]).map((v) => v.rule)).toEqual([
      'lead.is_qualified',
      'lead.has_email',
      'lead.has_phone',
    ]);
    expect(() => assertSatisfies(canConvert, lead({ status: 'qualified', email: 'a@b.co', phone: '1' }))).not.toThrow();
  });
});
