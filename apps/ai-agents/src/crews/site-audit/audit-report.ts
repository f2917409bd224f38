import type { JsonValue } from '../crew.ts';

/** critical: the page fails its purpose (not indexable, unreachable); warning: a clear loss; notice: polish. */
export type Severity = 'critical' | 'warning' | 'notice';

export type Check = {
  id: string;
  category: string;
  passed: boolean;
  severity: Severity;
  message: string;
  value?: JsonValue;
};

/**
 * A category's score is the severity-weighted share of its checks that pass:
 * 100 * sum(weight of passed) / sum(weight of all), with these weights.
 */
export const SEVERITY_WEIGHTS: Readonly<Record<Severity, number>> = { critical: 5, warning: 2, notice: 1 };

export type Scores = {
  overall: number;
  categories: Record<string, number>;
};

export function check(
  id: string,
  category: string,
  severity: Severity,
  passed: boolean,
  message: string,
  value?: JsonValue,
): Check {
  return value === undefined
    ? { id, category, passed, severity, message }
    : { id, category, passed, severity, message, value };
}

/** A message for either verdict: `[if passed, if failed]`. */
export type Message = string | readonly [string, string];

/** `check` bound to one category, choosing the message by the verdict. */
export function checker(category: string) {
  return (id: string, severity: Severity, passed: boolean, message: Message, value?: JsonValue): Check =>
    check(id, category, severity, passed, typeof message === 'string' ? message : message[passed ? 0 : 1], value);
}

/**
 * Scores per category and overall: the overall score is the average of the category scores
 * weighted by `categoryWeights`; a category with no checks is left out and the others' weights
 * are renormalised, so the overall score stays 0-100.
 */
export function score(checks: readonly Check[], categoryWeights: Readonly<Record<string, number>>): Scores {
  const categories: Record<string, number> = {};
  let weighted = 0;
  let weightSum = 0;
  for (const [category, categoryWeight] of Object.entries(categoryWeights)) {
    const own = checks.filter((candidate) => candidate.category === category);
    if (own.length === 0) continue;
    const total = own.reduce((sum, candidate) => sum + SEVERITY_WEIGHTS[candidate.severity], 0);
    const passed = own.reduce(
      (sum, candidate) => sum + (candidate.passed ? SEVERITY_WEIGHTS[candidate.severity] : 0),
      0,
    );
    categories[category] = Math.round((100 * passed) / total);
    weighted += categoryWeight * categories[category];
    weightSum += categoryWeight;
  }
  return { overall: weightSum === 0 ? 0 : Math.round(weighted / weightSum), categories };
}

/** One sentence: the score, how many checks failed, and the critical ones by id. */
export function summarise(label: string, url: string, checks: readonly Check[], scores: Scores): string {
  const failed = checks.filter((candidate) => !candidate.passed);
  const critical = failed.filter((candidate) => candidate.severity === 'critical').map((candidate) => candidate.id);
  const head = `${label} score ${scores.overall}/100 for ${url}: ${failed.length} of ${checks.length} checks failed`;
  return critical.length === 0 ? `${head}.` : `${head} (critical: ${critical.join(', ')}).`;
}

/** What lowers confidence in an audit: facts that could not be observed. Each costs its points. */
export interface Unobserved {
  /** The page is not HTML or did not answer 2xx: most checks judged an empty page. */
  pageNotAudited: boolean;
  /** The body was cut at the size cap: facts past the cut are missing. */
  bodyTruncated: boolean;
  /** robots.txt or the sitemap failed with a network error (not a 404): their checks are guesses. */
  robotsUnknown: boolean;
  sitemapUnknown: boolean;
  /** Share of checked links that gave no answer at all (timeouts, resets), 0-1. */
  unansweredLinkShare: number;
}

/** 100 minus the cost of each unobserved fact, never below 10. */
export function confidence(unobserved: Unobserved): number {
  const cost =
    (unobserved.pageNotAudited ? 50 : 0) +
    (unobserved.bodyTruncated ? 20 : 0) +
    (unobserved.robotsUnknown ? 10 : 0) +
    (unobserved.sitemapUnknown ? 10 : 0) +
    Math.round(20 * unobserved.unansweredLinkShare);
  return Math.max(10, 100 - cost);
}
