import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { CrewError, type JsonValue } from '../crew.ts';
import { createTestStepContext, type TestStep } from '../testing/test-step-context.ts';
import { fakePlatform, noPlatform } from './testing/fake-platform.ts';
import { readLeadFacts } from './lead-facts.ts';
import { leadProfile } from './lead-features.ts';
import { createLeadScoringCrew } from './lead-scoring-crew.ts';
import { AT, daysBefore, facts } from './testing/lead-scoring-fixtures.ts';
import type { LeadFacts } from './lead-scoring-schemas.ts';
import { fitLogistic } from './logistic-regression.ts';
import { featureVector, FEATURES, RULES_VERSION, type ScoringModel } from './scoring-model.ts';

const LEAD_ID = '0192f5a4-0000-7000-8000-0000000000aa';
const noPool = null as unknown as pg.Pool;
const lead = facts({
  source: 'referral',
  emailDomain: 'acme.io',
  fullName: true,
  hasCompany: true,
  jobTitle: 'Head of Operations',
  interactions: [{ kind: 'meeting', at: daysBefore(3) }],
});
const rules: ScoringModel = { kind: 'rules', version: RULES_VERSION, samples: 12, positives: 4, reason: 'too few' };
const tool = (agent: string, name: string, input: JsonValue, output: JsonValue): TestStep => ({
  kind: 'tool',
  agent,
  name,
  input,
  output,
});
const readLead = (output: LeadFacts = lead) => tool('lead-researcher', 'read_lead', { leadId: LEAD_ID }, output);
const model = (output: ScoringModel) => tool('lead-scorer', 'scoring_model', {}, output);
const submitted = (score: JsonValue) =>
  tool('crm-updater', 'submit_score', { leadId: LEAD_ID, score }, { applied: true, leadVersion: 5 });

async function run(
  recorded: TestStep[],
  options = { secondOpinion: false },
  deps = { domainRepository: noPlatform(), pool: noPool },
) {
  const ctx = createTestStepContext({ recorded, requestedAt: AT });
  const outcome = await createLeadScoringCrew(deps).run(ctx, { leadId: LEAD_ID }, options);
  return { outcome, steps: ctx.steps };
}

const accepting = () => fakePlatform(() => ({ status: 200, body: { version: 5 } }));

/** A model fitted on leads that convert when they met and used a business domain. */
function logistic(): ScoringModel {
  const examples = Array.from({ length: 40 }, (_, i) => {
    const good = i % 2 === 0;
    const example = facts({
      emailDomain: good ? 'acme.io' : 'gmail.com',
      interactions: good ? [{ kind: 'meeting', at: daysBefore(i % 5) }] : [],
    });
    return featureVector(leadProfile(example, AT));
  });
  const fit = fitLogistic(
    examples,
    examples.map((_, i) => (i % 2 === 0 ? 1 : 0)),
  );
  return {
    kind: 'logistic',
    version: 3,
    samples: 40,
    positives: 20,
    trainedAt: AT.toISOString(),
    features: FEATURES,
    ...fit,
  };
}

describe('the lead_scoring crew', () => {
  const ruleScore = { totalScore: 69, behavioralScore: 59, demographicScore: 65, firmographicScore: 100 };

  it('scores with the rules before there is a model, and records the score on the lead', async () => {
    const { outcome, steps } = await run([readLead(), model(rules), submitted(ruleScore)]);
    expect(steps.map((step) => `${step.agent}/${step.name}`)).toEqual([
      'lead-researcher/read_lead',
      'lead-scorer/scoring_model',
      'crm-updater/submit_score',
    ]);
    expect(outcome.results).toMatchObject({
      leadId: LEAD_ID,
      score: ruleScore,
      model: { kind: 'rules', version: 1, samples: 12 },
      applied: true,
    });
    expect(outcome.results.explanation).toHaveLength(5);
    expect((outcome.results.explanation as { feature: string }[])[0]).toEqual({
      feature: 'recency',
      value: 3,
      contribution: 15.5,
      text: 'last interaction 3 day(s) ago: +31 behavioral points',
    });
    expect(outcome).toMatchObject({
      confidence: 40,
      summary: 'Lead scored 69/100 by the rules; recorded on the lead.',
    });
  });

  it("scores with a fitted model: its probability is the total, the parts are the rules', the reasons are log-odds", async () => {
    const fitted = logistic();
    const { outcome } = await run([readLead(), model(fitted)], undefined, {
      domainRepository: accepting(),
      pool: noPool,
    });
    const results = outcome.results as {
      score: Record<string, number>;
      explanation: { feature: string; contribution: number }[];
    };
    expect(results.score.totalScore).toBeGreaterThan(80);
    expect({ ...results.score, totalScore: 0 }).toEqual({ ...ruleScore, totalScore: 0 });
    expect(results.explanation[0]?.feature).toMatch(/^(businessEmail|meetings|interactions|recency)$/);
    expect(outcome.results.model).toEqual({ kind: 'logistic', version: 3, samples: 40 });
    expect(outcome.confidence).toBe(58);
  });

  it('gives the same outcome again on a replay of its recorded steps, calling nothing', async () => {
    const domain = accepting();
    const first = await run([readLead(), model(logistic())], undefined, { domainRepository: domain, pool: noPool });
    expect(domain.calls).toEqual([
      {
        method: 'POST',
        path: `/api/v1/leads/${LEAD_ID}/score`,
        correlationId: '0192f5a4-0000-7000-8000-000000000003',
        body: { score: first.outcome.results.score, method: 'ai', analysisId: '0192f5a4-0000-7000-8000-000000000002' },
      },
    ]);
    const replay = await run(first.steps, undefined, { domainRepository: noPlatform(), pool: noPool });
    expect(replay.outcome).toEqual(first.outcome);
  });

  it('reports a score the lead no longer takes (422: closed meanwhile) as not applied', async () => {
    const refusal = {
      error: 'BUSINESS_RULE_VIOLATION',
      message: 'only open leads are scored',
      details: { currentStatus: 'converted' },
    };
    const domain = fakePlatform(() => ({ status: 422, body: refusal }));
    const { outcome } = await run([readLead(), model(rules)], undefined, { domainRepository: domain, pool: noPool });
    expect(outcome.results).toMatchObject({
      applied: false,
      notAppliedReason: 'only open leads are scored (status converted)',
      score: ruleScore,
    });
  });

  it('fails SUBJECT_NOT_FOUND for a lead that does not exist, and PLATFORM_UNAVAILABLE (retryable) on an outage', async () => {
    const missing = fakePlatform(() => ({ status: 404, body: { error: 'NOT_FOUND' } }));
    await expect(run([], undefined, { domainRepository: missing, pool: noPool })).rejects.toMatchObject({
      code: 'SUBJECT_NOT_FOUND',
      retryable: false,
    });
    const down = fakePlatform(() => ({ status: 503, body: { error: 'NOT_READY' } }));
    const failure = await run([], undefined, { domainRepository: down, pool: noPool }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CrewError);
    expect(failure).toMatchObject({ code: 'PLATFORM_UNAVAILABLE', retryable: true });
  });

  it('reads the lead view alone when domain-repository has no interactions route', async () => {
    const view = {
      id: LEAD_ID,
      status: 'contacted',
      source: 'event',
      utmParameters: { utmSource: 'expo' },
      campaignId: null,
      contact: {
        email: 'Ann@Initech.example',
        firstName: 'Ann',
        lastName: null,
        phone: '+1 555 0100',
        company: null,
        jobTitle: null,
      },
      interactionCount: 2,
      lastInteractionAt: daysBefore(1),
      lastInteractionKind: 'call',
    };
    const domain = fakePlatform((call) =>
      call.path.endsWith('/interactions?limit=100') ? { status: 404, body: {} } : { status: 200, body: view },
    );
    const read = { tenantId: 't', leadId: LEAD_ID, correlationId: 'c', signal: new AbortController().signal };
    expect(await readLeadFacts(domain, read)).toEqual({
      leadId: LEAD_ID,
      status: 'contacted',
      source: 'event',
      emailDomain: 'initech.example',
      fullName: false,
      hasPhone: true,
      hasCompany: false,
      jobTitle: null,
      hasUtm: true,
      campaignAttributed: false,
      interactionCount: 2,
      lastInteractionAt: daysBefore(1),
      lastInteractionKind: 'call',
      interactions: null,
    });
    const withRoute = fakePlatform((call) =>
      call.path.endsWith('/interactions?limit=100')
        ? {
            status: 200,
            body: {
              items: [
                {
                  interactionId: LEAD_ID,
                  kind: 'meeting',
                  summary: 'demo',
                  interactedAt: daysBefore(2),
                  recordedAt: daysBefore(1),
                },
              ],
              nextCursor: null,
            },
          }
        : { status: 200, body: view },
    );
    expect(await readLeadFacts(withRoute, read)).toMatchObject({
      interactions: [{ kind: 'meeting', at: daysBefore(2) }],
    });
  });
});
