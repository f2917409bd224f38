import type { LeadFacts } from './lead-scoring-schemas.ts';

const DAY_MS = 86_400_000;

/** Domains of free mailbox providers: an address there says nothing about an employer. */
const FREE_MAIL = new Set([
  'gmail.com', 'googlemail.com', 'yahoo.com', 'yahoo.co.uk', 'yahoo.fr', 'ymail.com', 'hotmail.com',
  'hotmail.co.uk', 'outlook.com', 'live.com', 'msn.com', 'aol.com', 'icloud.com', 'me.com', 'mac.com',
  'proton.me', 'protonmail.com', 'gmx.com', 'gmx.de', 'gmx.net', 'web.de', 't-online.de', 'mail.com',
  'yandex.com', 'yandex.ru', 'mail.ru', 'zoho.com', 'qq.com', '163.com', '126.com', 'fastmail.com',
  'hey.com', 'tutanota.com', 'orange.fr', 'free.fr', 'laposte.net', 'libero.it', 'rediffmail.com',
  'seznam.cz', 'wp.pl',
]); // prettier-ignore

export const SENIORITIES = ['none', 'staff', 'manager', 'director', 'vp', 'executive'] as const;
export type Seniority = (typeof SENIORITIES)[number];

// Checked from the top: "VP of Product Management" is a vp, not a manager.
const SENIORITY_PATTERNS: readonly [Exclude<Seniority, 'none' | 'staff'>, RegExp][] = [
  ['executive', /\b(ceo|cto|cfo|coo|cmo|cio|chief|co-?founder|founder|owner|president|partner|managing director)\b/i],
  ['vp', /\b(vp|svp|evp|vice president|head of)\b/i],
  ['director', /\bdirector\b/i],
  ['manager', /\b(manager|lead|principal|supervisor)\b/i],
];

export function seniorityOf(jobTitle: string | null): Seniority {
  if (jobTitle === null || jobTitle.trim() === '') return 'none';
  return SENIORITY_PATTERNS.find(([, pattern]) => pattern.test(jobTitle))?.[0] ?? 'staff';
}

export const isBusinessDomain = (domain: string): boolean => domain.includes('.') && !FREE_MAIL.has(domain);

/** What scoring looks at, as of one moment (`at`: the analysis's request, or a closed lead's close). */
export interface LeadProfile {
  source: string;
  businessEmail: boolean;
  seniority: Seniority;
  fullName: boolean;
  hasPhone: boolean;
  hasCompany: boolean;
  hasUtm: boolean;
  campaignAttributed: boolean;
  interactions: number;
  meetings: number;
  calls: number;
  /** Whole days since the newest interaction up to `at`; null without one. */
  daysSinceLastInteraction: number | null;
}

export function leadProfile(facts: LeadFacts, at: Date): LeadProfile {
  return {
    source: facts.source,
    businessEmail: isBusinessDomain(facts.emailDomain),
    seniority: seniorityOf(facts.jobTitle),
    fullName: facts.fullName,
    hasPhone: facts.hasPhone,
    hasCompany: facts.hasCompany,
    hasUtm: facts.hasUtm,
    campaignAttributed: facts.campaignAttributed,
    ...activityOf(facts, at),
  };
}

type Activity = Pick<LeadProfile, 'interactions' | 'meetings' | 'calls' | 'daysSinceLastInteraction'>;

/**
 * Interactions up to `at` by kind. Without the interactions list only the view's count and last
 * interaction are known: the kinds are then a lower bound (one of the last interaction's kind).
 */
function activityOf(facts: LeadFacts, at: Date): Activity {
  const until = at.getTime();
  const days = (iso: string | null) =>
    iso === null ? null : Math.floor(Math.max(0, until - Date.parse(iso)) / DAY_MS);
  if (facts.interactions === null) {
    const known = facts.interactionCount > 0 ? facts.lastInteractionKind : null;
    return {
      interactions: facts.interactionCount,
      meetings: known === 'meeting' ? 1 : 0,
      calls: known === 'call' ? 1 : 0,
      daysSinceLastInteraction: facts.interactionCount > 0 ? days(facts.lastInteractionAt) : null,
    };
  }
  const past = facts.interactions.filter((interaction) => Date.parse(interaction.at) <= until);
  const newest = past.reduce<number | null>((max, item) => Math.max(max ?? 0, Date.parse(item.at)), null);
  return {
    interactions: past.length,
    meetings: past.filter((interaction) => interaction.kind === 'meeting').length,
    calls: past.filter((interaction) => interaction.kind === 'call').length,
    daysSinceLastInteraction: newest === null ? null : days(new Date(newest).toISOString()),
  };
}
