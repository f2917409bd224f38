import type { AnalysisKind, JsonValue } from '../crews/crew.ts';
import { canonicalJson } from '@bizosaas/event-store';

/** Lead scores within this many points agree (the scale is 0-100). */
export const SCORE_TOLERANCE = 5;

const totalScore = (result: JsonValue | null): number | undefined => {
  const score = (result as { score?: { totalScore?: unknown } } | null)?.score?.totalScore;
  return typeof score === 'number' ? score : undefined;
};

/**
 * Whether a crew version's result agrees with the recorded one: lead scores within
 * SCORE_TOLERANCE points; every other type by its results being the same JSON.
 */
export function agrees(kind: AnalysisKind, recorded: JsonValue | null, evaluated: JsonValue): boolean {
  if (kind === 'lead_scoring') {
    const before = totalScore(recorded);
    const after = totalScore(evaluated);
    return before !== undefined && after !== undefined && Math.abs(before - after) <= SCORE_TOLERANCE;
  }
  return canonicalJson(recorded) === canonicalJson(evaluated);
}
