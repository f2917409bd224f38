import { AppError } from '@bizosaas/ddd-kernel';
import type { AnalysisKind, Crew } from './crew.ts';

export class AnalysisTypeUnavailableError extends AppError {
  constructor(analysisType: string, reason: string) {
    super('ANALYSIS_TYPE_UNAVAILABLE', 422, `${analysisType} is not available: ${reason}`, { analysisType });
  }
}

export interface CrewRegistry {
  /** The crew of a type (the current version), or 422 ANALYSIS_TYPE_UNAVAILABLE naming why not. */
  get(kind: AnalysisKind): Crew;
}

/**
 * The crews this replica can run. A type may be missing for a reason (e.g. no service client to
 * read leads with): asking for it says so instead of failing later.
 */
export function createCrewRegistry(
  crews: readonly Crew[],
  missing: Partial<Record<AnalysisKind, string>> = {},
): CrewRegistry {
  const byKind = new Map(crews.map((crew) => [crew.kind, crew]));
  return {
    get(kind) {
      const crew = byKind.get(kind);
      if (!crew) throw new AnalysisTypeUnavailableError(kind, missing[kind] ?? 'no crew runs it on this service');
      return crew;
    },
  };
}
