import type pg from 'pg';
import type { PlatformClient } from '@bizosaas/platform-client';
import { CrewError, type Crew, type CrewOutcome, type JsonObject, type JsonValue, type StepContext } from '../crew.ts';
import { currentModel } from './current-model.ts';
import { readLeadFacts } from './lead-facts.ts';
import { adjustedScore, scoreLead } from './lead-score.ts';
import { leadFacts, leadScoringOptions, leadScoringSubject, type LeadScore } from './lead-scoring-schemas.ts';
import { askSecondOpinion, REVIEWER_AGENT, type SecondOpinion } from './second-opinion.ts';
import { scoringModel, type ScoringModel } from './scoring-model.ts';
import { submitScore, type SubmitResult } from './submit-score.ts';

const RESEARCHER_AGENT = 'lead-researcher';
const SCORER_AGENT = 'lead-scorer';
const UPDATER_AGENT = 'crm-updater';

export interface LeadScoringDeps {
  /** The platform client for DOMAIN_REPOSITORY_URL, with tokens holding leads:read and leads:write. */
  domainRepository: PlatformClient;
  /** App role (RLS by tenant): the tenants' scoring models. */
  pool: pg.Pool;
}

/**
 * The lead_scoring crew: the researcher reads the lead, the scorer takes the tenant's model
 * (fitting one on its closed leads when due) and scores, the reviewer may adjust by up to 10
 * points, the CRM updater records the score on the lead. No LLM needed.
 */
export function createLeadScoringCrew(
  deps: LeadScoringDeps,
): Crew<typeof leadScoringSubject, typeof leadScoringOptions> {
  return {
    kind: 'lead_scoring',
    name: 'lead-scoring-crew',
    version: '1.0.0',
    agents: [RESEARCHER_AGENT, SCORER_AGENT, REVIEWER_AGENT, UPDATER_AGENT],
    subject: leadScoringSubject,
    options: leadScoringOptions,
    requiresLlm: false,
    async run(ctx, subject, options) {
      const { leadId } = subject;
      const read = { tenantId: ctx.tenantId, leadId, correlationId: ctx.correlationId };
      const facts = leadFacts.parse(
        await step(ctx, RESEARCHER_AGENT, 'read_lead', { leadId }, (signal) =>
          readLeadFacts(deps.domainRepository, { ...read, signal }),
        ),
      );
      const model = scoringModel.parse(
        await step(ctx, SCORER_AGENT, 'scoring_model', {}, (signal) =>
          currentModel(
            { domain: deps.domainRepository, pool: deps.pool },
            { ...read, signal, requestedAt: ctx.requestedAt },
          ),
        ),
      );
      const scored = scoreLead(model, facts, ctx.requestedAt);
      const opinion =
        options.secondOpinion && ctx.llmAvailable ? await askSecondOpinion(ctx, scored, model) : undefined;
      const score = opinion ? adjustedScore(scored.score, opinion.adjustment) : scored.score;
      const submitted = await step<SubmitResult>(ctx, UPDATER_AGENT, 'submit_score', { leadId, score }, (signal) =>
        submitScore(deps.domainRepository, { ...read, signal, analysisId: ctx.analysisId }, score),
      );
      return outcome({ leadId, score, model, explanation: scored.explanation, opinion, submitted });
    },
  };
}

/** A tool step; these tools need no approval, so a declined answer cannot come back. */
async function step<T extends JsonValue>(
  ctx: StepContext,
  agent: string,
  name: string,
  args: JsonObject,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const result = await ctx.tool(agent, name, args, run);
  if (typeof result === 'object' && result !== null && 'declined' in result && result.declined === true)
    throw new CrewError('TOOL_DECLINED', `${name} was declined`, false);
  return result as T;
}

function outcome(parts: {
  leadId: string;
  score: LeadScore;
  model: ScoringModel;
  explanation: JsonValue;
  opinion: SecondOpinion | undefined;
  submitted: SubmitResult;
}): CrewOutcome {
  const { leadId, score, model, submitted } = parts;
  const modelName =
    model.kind === 'rules' ? 'the rules' : `logistic model v${model.version} (${model.samples} closed leads)`;
  const applied = submitted.applied ? 'recorded on the lead' : `not recorded: ${submitted.reason}`;
  return {
    summary: `Lead scored ${score.totalScore}/100 by ${modelName}; ${applied}.`,
    // A fitted model earns more trust with more outcomes behind it; the rules are a prior.
    confidence: model.kind === 'rules' ? 40 : Math.min(90, 50 + Math.round(model.samples / 5)),
    results: {
      leadId,
      score,
      model: { kind: model.kind, version: model.version, samples: model.samples },
      explanation: parts.explanation,
      ...(parts.opinion && { secondOpinion: parts.opinion }),
      applied: submitted.applied,
      ...(!submitted.applied && { notAppliedReason: submitted.reason }),
    },
  };
}
