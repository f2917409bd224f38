// Leads for the lead-scoring tests: facts as read_lead returns them, and fast-check arbitraries.
import fc from 'fast-check';
import { leadSource } from '@bizosaas/event-schemas';
import { INTERACTION_KINDS, type LeadFacts } from '../lead-scoring-schemas.ts';

export const AT = new Date('2026-12-01T10:00:00.000Z');
const DAY_MS = 86_400_000;
export const daysBefore = (days: number, at = AT) => new Date(at.getTime() - days * DAY_MS).toISOString();

export function facts(overrides: Partial<LeadFacts> = {}): LeadFacts {
  return {
    leadId: '0192f5a4-0000-7000-8000-0000000000aa',
    status: 'new',
    source: 'website_form',
    emailDomain: 'gmail.com',
    fullName: false,
    hasPhone: false,
    hasCompany: false,
    jobTitle: null,
    hasUtm: false,
    campaignAttributed: false,
    interactionCount: 0,
    lastInteractionAt: null,
    lastInteractionKind: null,
    interactions: [],
    ...overrides,
  };
}

export const TITLES = [null, 'Analyst', 'Sales Manager', 'Director of IT', 'VP Engineering', 'CEO'] as const;

const interaction = fc.record({
  kind: fc.constantFrom(...INTERACTION_KINDS),
  at: fc.integer({ min: 0, max: 400 }).map((days) => daysBefore(days)),
});

export const leadFactsArbitrary: fc.Arbitrary<LeadFacts> = fc
  .record({
    source: fc.constantFrom(...leadSource.options),
    emailDomain: fc.constantFrom('gmail.com', 'acme.io', 'outlook.com', 'globex.de'),
    fullName: fc.boolean(),
    hasPhone: fc.boolean(),
    hasCompany: fc.boolean(),
    jobTitle: fc.constantFrom(...TITLES),
    hasUtm: fc.boolean(),
    campaignAttributed: fc.boolean(),
    interactions: fc.array(interaction, { maxLength: 12 }),
  })
  .map((drawn) => {
    const interactions = [...drawn.interactions].sort((a, b) => b.at.localeCompare(a.at));
    return facts({
      ...drawn,
      interactions,
      interactionCount: interactions.length,
      lastInteractionAt: interactions[0]?.at ?? null,
      lastInteractionKind: interactions[0]?.kind ?? null,
    });
  });
