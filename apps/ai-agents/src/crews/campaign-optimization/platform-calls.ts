import { z } from 'zod';
import { PlatformCallError, type PlatformClient } from '@bizosaas/platform-client';
import { CrewError, type JsonObject } from '../crew.ts';
import { platformFailure, refusedWith } from '../platform-failure.ts';
import {
  campaignFacts,
  type CampaignFacts,
  type OptimizationChange,
  type OptimizationGoal,
} from './campaign-optimization-schemas.ts';

export interface CampaignCall {
  tenantId: string;
  campaignId: string;
  correlationId: string;
  signal: AbortSignal;
}

/** What POST /api/v1/campaigns/:id/optimize is sent (domain-repository's optimize-campaign body). */
export interface OptimizationBody extends JsonObject {
  optimizationGoal: OptimizationGoal;
  analysisId: string;
  changes: OptimizationChange[];
  expectedImprovementPercent: number;
  /** The version the analysis read: changes computed from an older campaign are refused (409). */
  expectedVersion: number;
}

export type ApplyResult = { applied: true; campaignVersion: number } | { applied: false; reason: string };

const campaignPath = (campaignId: string) => `/api/v1/campaigns/${encodeURIComponent(campaignId)}`;
const refusal = z.object({ message: z.string(), details: z.record(z.string(), z.unknown()).optional() });

/** The campaign's view; a campaign that does not exist (or is another tenant's) fails the analysis. */
export async function readCampaign(domain: PlatformClient, call: CampaignCall): Promise<CampaignFacts> {
  let answer: unknown;
  try {
    answer = await domain.get(call.tenantId, campaignPath(call.campaignId), 200, call.signal, {
      correlationId: call.correlationId,
    });
  } catch (error) {
    if (refusedWith(error, 404)) throw new CrewError('SUBJECT_NOT_FOUND', `campaign ${call.campaignId} does not exist`);
    throw platformFailure(error);
  }
  const parsed = campaignFacts.safeParse(answer);
  if (!parsed.success)
    throw new CrewError(
      'PLATFORM_REFUSED',
      `domain-repository answered a campaign of another shape: ${z.prettifyError(parsed.error)}`,
    );
  return parsed.data;
}

/**
 * Records the changes on the campaign, carrying the analysis id and its correlation id. A 409
 * (the campaign changed since it was read; also what a resumed run meets when its first send
 * was stored but not journaled) and a 422 (e.g. the campaign completed meanwhile) are answers:
 * the changes are reported, not applied.
 */
export async function applyOptimization(
  domain: PlatformClient,
  call: CampaignCall,
  body: OptimizationBody,
): Promise<ApplyResult> {
  try {
    const answer = await domain.post(
      call.tenantId,
      `${campaignPath(call.campaignId)}/optimize`,
      body,
      200,
      call.signal,
      {
        correlationId: call.correlationId,
      },
    );
    return { applied: true, campaignVersion: z.object({ version: z.number().int() }).parse(answer).version };
  } catch (error) {
    if (refusedWith(error, 404)) throw new CrewError('SUBJECT_NOT_FOUND', `campaign ${call.campaignId} does not exist`);
    if (refusedWith(error, 409) || refusedWith(error, 422)) return { applied: false, reason: reasonOf(error) };
    throw platformFailure(error);
  }
}

function reasonOf(error: PlatformCallError): string {
  const fallback = `domain-repository refused the changes (${error.status})`;
  let parsed;
  try {
    parsed = refusal.safeParse(JSON.parse(error.body));
  } catch {
    return fallback;
  }
  if (!parsed.success) return fallback;
  const status = parsed.data.details?.currentStatus;
  return typeof status === 'string' ? `${parsed.data.message} (status ${status})` : parsed.data.message;
}
