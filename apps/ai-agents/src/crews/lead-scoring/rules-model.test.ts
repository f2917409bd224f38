import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leadProfile, seniorityOf } from './lead-features.ts';
import { AT, daysBefore, facts, leadFactsArbitrary, TITLES } from './testing/lead-scoring-fixtures.ts';
import type { LeadFacts, LeadScore } from './lead-scoring-schemas.ts';
import { rulesScore, SOURCE_POINTS } from './rules-model.ts';

const score = (lead: LeadFacts): LeadScore => rulesScore(leadProfile(lead, AT)).score;
const PARTS = ['totalScore', 'behavioralScore', 'demographicScore', 'firmographicScore'] as const;

/** One feature of a lead made better, everything else the same. */
const improvements: Record<string, (lead: LeadFacts) => LeadFacts> = {
  phone: (lead) => ({ ...lead, hasPhone: true }),
  company: (lead) => ({ ...lead, hasCompany: true }),
  fullName: (lead) => ({ ...lead, fullName: true }),
  utm: (lead) => ({ ...lead, hasUtm: true }),
  campaign: (lead) => ({ ...lead, campaignAttributed: true }),
  businessEmail: (lead) => ({ ...lead, emailDomain: 'initech.example' }),
  seniority: (lead) => ({
    ...lead,
    jobTitle: TITLES[Math.min(TITLES.indexOf(lead.jobTitle as never) + 1, TITLES.length - 1)]!,
  }),
  source: (lead) => ({ ...lead, source: SOURCE_POINTS[lead.source]! < 15 ? 'referral' : lead.source }),
};

describe('the rules model', () => {
  it('scores every part and the total within 0-100, in whole points', () => {
    fc.assert(
      fc.property(leadFactsArbitrary, (lead) => {
        for (const part of PARTS) {
          expect(Number.isInteger(score(lead)[part])).toBe(true);
          expect(score(lead)[part]).toBeGreaterThanOrEqual(0);
          expect(score(lead)[part]).toBeLessThanOrEqual(100);
        }
      }),
    );
  });

  it('never scores a lead lower for being better on one feature', () => {
    fc.assert(
      fc.property(leadFactsArbitrary, fc.constantFrom(...Object.keys(improvements)), (lead, feature) => {
        const before = score(lead);
        const after = score(improvements[feature]!(lead));
        for (const part of PARTS) expect(after[part]).toBeGreaterThanOrEqual(before[part]);
      }),
    );
  });

  it('never scores a lead lower for one more interaction, of any kind, at any time before now', () => {
    fc.assert(
      fc.property(
        leadFactsArbitrary,
        fc.constantFrom('call', 'email', 'meeting' as const),
        fc.nat(400),
        (lead, kind, days) => {
          const interactions = [...lead.interactions!, { kind, at: daysBefore(days) }];
          const after = score({ ...lead, interactions, interactionCount: interactions.length });
          for (const part of PARTS) expect(after[part]).toBeGreaterThanOrEqual(score(lead)[part]);
        },
      ),
    );
  });

  it('gives the documented points: a cold free-mail lead against an engaged executive', () => {
    expect(score(facts())).toEqual({ totalScore: 5, behavioralScore: 10, demographicScore: 0, firmographicScore: 0 });
    const engaged = facts({
      source: 'referral',
      emailDomain: 'acme.io',
      fullName: true,
      hasPhone: true,
      hasCompany: true,
      jobTitle: 'Chief Revenue Officer',
      hasUtm: true,
      campaignAttributed: true,
      interactions: [
        { kind: 'meeting', at: daysBefore(2) },
        { kind: 'meeting', at: daysBefore(9) },
        { kind: 'call', at: daysBefore(12) },
        { kind: 'call', at: daysBefore(20) },
      ],
    });
    expect(score(engaged)).toEqual({
      totalScore: 100,
      behavioralScore: 100,
      demographicScore: 100,
      firmographicScore: 100,
    });
  });

  it('explains with each feature in total-score points, largest first', () => {
    const lead = facts({ emailDomain: 'acme.io', interactions: [{ kind: 'meeting', at: daysBefore(40) }] });
    const { contributions } = rulesScore(leadProfile(lead, AT));
    expect(contributions.slice(0, 3)).toEqual([
      {
        feature: 'businessEmail',
        value: true,
        contribution: 11,
        text: 'uses a business e-mail domain: +55 firmographic points',
      },
      {
        feature: 'source',
        value: 'website_form',
        contribution: 5,
        text: 'came from website_form: +10 behavioral points',
      },
      { feature: 'meetings', value: 1, contribution: 4, text: '1 meeting(s): +8 behavioral points' },
    ]);
  });

  it('reads the view alone as at least one interaction of the last kind when the interactions route is missing', () => {
    const viewOnly = facts({
      interactions: null,
      interactionCount: 3,
      lastInteractionAt: daysBefore(1),
      lastInteractionKind: 'meeting',
    });
    expect(leadProfile(viewOnly, AT)).toMatchObject({
      interactions: 3,
      meetings: 1,
      calls: 0,
      daysSinceLastInteraction: 1,
    });
  });

  it('reads seniority from job titles, the most senior word first', () => {
    expect(
      ['VP of Product Management', 'Head of Sales', 'Co-Founder', 'IT Director', 'Team Lead', 'Engineer', ' '].map(
        seniorityOf,
      ),
    ).toEqual(['vp', 'vp', 'executive', 'director', 'manager', 'staff', 'none']);
  });
});
