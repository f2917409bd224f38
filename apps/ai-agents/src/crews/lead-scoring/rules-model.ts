import type { LeadProfile, Seniority } from './lead-features.ts';
import type { Contribution, LeadScore } from './lead-scoring-schemas.ts';

/**
 * The rules model: documented points per feature, each part's points adding up to at most 100.
 * Every table only grows with a better lead, so improving one feature never lowers a part or the
 * total. The total weighs behaviour most: what a lead does says more than who they are.
 * Weights in tenths: total = 0.5 behavioural + 0.3 demographic + 0.2 firmographic.
 */
export const PART_TENTHS = { behavioral: 5, demographic: 3, firmographic: 2 } as const;
type Part = keyof typeof PART_TENTHS;

/** Behavioural, at most 15: how the lead found the tenant (a referral or an event is a warm start). */
export const SOURCE_POINTS: Readonly<Record<string, number>> = {
  referral: 15,
  event: 12,
  website_form: 10,
  landing_page: 10,
  paid_ads: 8,
  email_campaign: 8,
  social_media: 6,
  crm_import: 5,
  api: 5,
  manual: 5,
};
/** Demographic, at most 50. */
export const SENIORITY_POINTS: Readonly<Record<Seniority, number>> = {
  none: 0,
  staff: 10,
  manager: 22,
  director: 32,
  vp: 40,
  executive: 50,
};

/**
 * Behavioural (max 100): source 15, campaign 5, UTM 5, 5 per interaction up to 20, 8 more per
 * meeting up to 16, 4 more per call up to 8, last interaction within 7 / 30 / 90 days 31 / 16 / 6.
 * Demographic (max 100): seniority 50, phone 25, first and last name 25.
 * Firmographic (max 100): business e-mail domain 55, company named 45.
 */
function rulePoints(
  profile: LeadProfile,
): { part: Part; feature: string; value: Contribution['value']; points: number; text: string }[] {
  const days = profile.daysSinceLastInteraction;
  const recency = days === null ? 0 : days <= 7 ? 31 : days <= 30 ? 16 : days <= 90 ? 6 : 0;
  const yes = (flag: boolean, points: number) => (flag ? points : 0);
  return [
    { part: 'behavioral', feature: 'source', value: profile.source, points: SOURCE_POINTS[profile.source] ?? 0, text: `came from ${profile.source}` },
    { part: 'behavioral', feature: 'campaignAttributed', value: profile.campaignAttributed, points: yes(profile.campaignAttributed, 5), text: 'attributed to a campaign' },
    { part: 'behavioral', feature: 'utm', value: profile.hasUtm, points: yes(profile.hasUtm, 5), text: 'arrived with UTM parameters' },
    { part: 'behavioral', feature: 'interactions', value: profile.interactions, points: 5 * Math.min(profile.interactions, 4), text: `${profile.interactions} interaction(s)` },
    { part: 'behavioral', feature: 'meetings', value: profile.meetings, points: 8 * Math.min(profile.meetings, 2), text: `${profile.meetings} meeting(s)` },
    { part: 'behavioral', feature: 'calls', value: profile.calls, points: 4 * Math.min(profile.calls, 2), text: `${profile.calls} call(s)` },
    { part: 'behavioral', feature: 'recency', value: days, points: recency, text: days === null ? 'no interaction yet' : `last interaction ${days} day(s) ago` },
    { part: 'demographic', feature: 'seniority', value: profile.seniority, points: SENIORITY_POINTS[profile.seniority], text: `job title reads as ${profile.seniority}` },
    { part: 'demographic', feature: 'phone', value: profile.hasPhone, points: yes(profile.hasPhone, 25), text: 'gave a phone number' },
    { part: 'demographic', feature: 'fullName', value: profile.fullName, points: yes(profile.fullName, 25), text: 'gave a full name' },
    { part: 'firmographic', feature: 'businessEmail', value: profile.businessEmail, points: yes(profile.businessEmail, 55), text: 'uses a business e-mail domain' },
    { part: 'firmographic', feature: 'company', value: profile.hasCompany, points: yes(profile.hasCompany, 45), text: 'named a company' },
  ]; // prettier-ignore
}

export interface RulesScore {
  score: LeadScore;
  /** Every feature's points in total-score points (part points x the part's weight), largest first. */
  contributions: Contribution[];
}

export function rulesScore(profile: LeadProfile): RulesScore {
  const points = rulePoints(profile);
  const sum = (part: Part) =>
    points.filter((item) => item.part === part).reduce((total, item) => total + item.points, 0);
  const parts = { behavioral: sum('behavioral'), demographic: sum('demographic'), firmographic: sum('firmographic') };
  // Weights in tenths keep the sum in integers, exact before it is rounded.
  const tenths =
    parts.behavioral * PART_TENTHS.behavioral +
    parts.demographic * PART_TENTHS.demographic +
    parts.firmographic * PART_TENTHS.firmographic;
  const contributions = points
    .map(({ part, feature, value, points: partPoints, text }) => ({
      feature,
      value,
      contribution: round2((partPoints * PART_TENTHS[part]) / 10),
      text: `${text}: +${partPoints} ${part} points`,
    }))
    .sort((a, b) => b.contribution - a.contribution);
  return {
    score: {
      totalScore: Math.round(tenths / 10),
      behavioralScore: parts.behavioral,
      demographicScore: parts.demographic,
      firmographicScore: parts.firmographic,
    },
    contributions,
  };
}

export const round2 = (value: number): number => Math.round(value * 100) / 100;
