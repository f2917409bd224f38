import { z } from 'zod';
import type { PlatformClient } from '@bizosaas/platform-client';
import { CrewError } from '../crew.ts';
import type { LeadRead } from './lead-facts.ts';
import type { LeadScore } from './lead-scoring-schemas.ts';
import { platformFailure, refusedWith } from '../platform-failure.ts';

export type SubmitResult = { applied: true; leadVersion: number } | { applied: false; reason: string };

const refusal = z.object({ message: z.string(), details: z.record(z.string(), z.unknown()).optional() });

/**
 * Records the score on the lead (POST /api/v1/leads/:id/score, method ai, with the analysis id),
 * carrying the analysis's correlation id. Scoring the same score again records nothing there, so
 * a resumed run that sends it twice changes nothing. A 422 (the lead closed meanwhile) is an
 * answer, not a failure: the score is reported, not applied.
 */
export async function submitScore(
  domain: PlatformClient,
  read: LeadRead & { analysisId: string },
  score: LeadScore,
): Promise<SubmitResult> {
  const path = `/api/v1/leads/${encodeURIComponent(read.leadId)}/score`;
  const body = { score, method: 'ai', analysisId: read.analysisId };
  try {
    const answer = await domain.post(read.tenantId, path, body, 200, read.signal, {
      correlationId: read.correlationId,
    });
    return { applied: true, leadVersion: z.object({ version: z.number().int() }).parse(answer).version };
  } catch (error) {
    if (refusedWith(error, 404)) throw new CrewError('SUBJECT_NOT_FOUND', `lead ${read.leadId} does not exist`, false);
    if (refusedWith(error, 422)) return { applied: false, reason: reasonOf(error.body) };
    throw platformFailure(error);
  }
}

function reasonOf(body: string): string {
  let parsed;
  try {
    parsed = refusal.safeParse(JSON.parse(body));
  } catch {
    return 'domain-repository refused the score (422)';
  }
  if (!parsed.success) return 'domain-repository refused the score (422)';
  const status = parsed.data.details?.currentStatus;
  return typeof status === 'string' ? `${parsed.data.message} (status ${status})` : parsed.data.message;
}
