import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { LlmError, type ChatRequest, type LlmClient } from '../../llm/chat.ts';
import { createTestStepContext, type TestStep } from '../testing/test-step-context.ts';
import { fakePlatform } from './testing/fake-platform.ts';
import { createLeadScoringCrew } from './lead-scoring-crew.ts';
import { AT, daysBefore, facts } from './testing/lead-scoring-fixtures.ts';
import { RULES_VERSION } from './scoring-model.ts';

const LEAD_ID = '0192f5a4-0000-7000-8000-0000000000aa';
const lead = facts({ emailDomain: 'acme.io', hasCompany: true, interactions: [{ kind: 'call', at: daysBefore(10) }] });
// Rules: behavioural 10 + 5 + 4 + 16 = 35, demographic 0, firmographic 100: total round(37.5) = 38.
const TOTAL = 38;
const recorded: TestStep[] = [
  { kind: 'tool', agent: 'lead-researcher', name: 'read_lead', input: { leadId: LEAD_ID }, output: lead },
  {
    kind: 'tool',
    agent: 'lead-scorer',
    name: 'scoring_model',
    input: {},
    output: { kind: 'rules', version: RULES_VERSION, samples: 0, positives: 0, reason: 'none yet' },
  },
];

/** An LLM port answering `content` (or failing with `error`), keeping the requests. */
function reviewer(answer: { content?: string; error?: LlmError }): LlmClient & { requests: ChatRequest[] } {
  const requests: ChatRequest[] = [];
  return {
    provider: 'test',
    model: 'test-model',
    requests,
    chat(request) {
      requests.push(request);
      if (answer.error) return Promise.reject(answer.error);
      const usage = { promptTokens: 10, completionTokens: 5 };
      return Promise.resolve({
        content: answer.content ?? null,
        toolCalls: [],
        finishReason: 'stop',
        model: 'test-model',
        usage,
      });
    },
  };
}

async function scoreWith(llm: LlmClient, secondOpinion = true) {
  const domain = fakePlatform(() => ({ status: 200, body: { version: 2 } }));
  const ctx = createTestStepContext({ recorded, requestedAt: AT, llm });
  const outcome = await createLeadScoringCrew({ domainRepository: domain, pool: null as unknown as pg.Pool }).run(
    ctx,
    { leadId: LEAD_ID },
    { secondOpinion },
  );
  const posted = domain.calls[0]?.body as { score: { totalScore: number } };
  return { outcome, steps: ctx.steps, posted };
}

describe('the lead-reviewer second opinion', () => {
  it('moves the total by the adjustment it answers in the schema, and records the adjusted score', async () => {
    const llm = reviewer({
      content: JSON.stringify({ adjustment: 6, rationale: 'A recent call with a company domain.' }),
    });
    const { outcome, steps, posted } = await scoreWith(llm);
    expect(steps.map((step) => `${step.kind} ${step.agent}`)).toEqual([
      'tool lead-researcher',
      'tool lead-scorer',
      'llm lead-reviewer',
      'tool crm-updater',
    ]);
    expect(outcome.results).toMatchObject({
      score: { totalScore: TOTAL + 6 },
      secondOpinion: { adjustment: 6, rationale: 'A recent call with a company domain.' },
    });
    expect(posted.score.totalScore).toBe(TOTAL + 6);
    expect(llm.requests[0]?.responseFormat).toEqual({
      name: 'lead_score_review',
      schema: {
        type: 'object',
        properties: {
          adjustment: { type: 'integer', description: 'points to move the total score by, from -10 to 10' },
          rationale: { type: 'string', description: 'one or two sentences' },
        },
        required: ['adjustment', 'rationale'],
        additionalProperties: false,
      },
    });
  });

  it.each([
    ['an adjustment out of range', JSON.stringify({ adjustment: 25, rationale: 'much better' }), /adjustment/],
    ['no JSON', 'I would raise it a bit.', /not a valid review/],
  ])('adjusts nothing on %s, and says so in the results', async (_case, content, reason) => {
    const { outcome, posted } = await scoreWith(reviewer({ content }));
    expect(outcome.results.score).toMatchObject({ totalScore: TOTAL });
    expect(outcome.results.secondOpinion).toEqual({
      adjustment: 0,
      rejected: expect.stringMatching(reason) as unknown,
    });
    expect(posted.score.totalScore).toBe(TOTAL);
  });

  it('adjusts nothing when the LLM fails: the review is optional', async () => {
    const { outcome } = await scoreWith(reviewer({ error: new LlmError('LLM_UNAVAILABLE', 'down', true) }));
    expect(outcome.results).toMatchObject({
      score: { totalScore: TOTAL },
      secondOpinion: { adjustment: 0, rejected: 'the reviewer failed: LLM_UNAVAILABLE' },
    });
  });

  it('is not asked unless the options ask for it', async () => {
    const llm = reviewer({ content: '{}' });
    const { outcome, steps } = await scoreWith(llm, false);
    expect(llm.requests).toHaveLength(0);
    expect(steps.map((step) => step.kind)).toEqual(['tool', 'tool', 'tool']);
    expect(outcome.results).not.toHaveProperty('secondOpinion');
  });
});
