import { z } from 'zod';
import { LlmError } from '../../llm/chat.ts';
import type { StepContext } from '../crew.ts';
import type { ScoredLead } from './lead-score.ts';
import type { ScoringModel } from './scoring-model.ts';

export const REVIEWER_AGENT = 'lead-reviewer';

export const reviewAnswer = z.strictObject({
  adjustment: z.number().int().min(-10).max(10),
  rationale: z.string().min(1).max(1000),
});

/**
 * What the model is asked for: the answer's shape only. Ranges and lengths are left to
 * `reviewAnswer`, since strict structured output of several providers refuses numeric and length
 * keywords; the description carries the range instead.
 */
const { $schema: _draft, ...reviewFormat } = z.toJSONSchema(
  z.strictObject({
    adjustment: z.int().describe('points to move the total score by, from -10 to 10'),
    rationale: z.string().describe('one or two sentences'),
  }),
  {
    // zod bounds an int by the safe-integer range: a numeric keyword all the same.
    override: ({ jsonSchema }) => {
      delete jsonSchema.minimum;
      delete jsonSchema.maximum;
    },
  },
);

export type SecondOpinion = { adjustment: number; rationale: string } | { adjustment: 0; rejected: string };

const SYSTEM = [
  'You review lead scores of a B2B CRM. You get a lead as scoring features (no personal data),',
  'its score 0-100 and the reasons the model gave. Answer how many points the total score should',
  'move, from -10 to 10 (0 when the score is right), and a rationale of one or two sentences.',
  'Move it only for what the model weighs wrongly in these features; never guess beyond them.',
].join(' ');

/**
 * The lead-reviewer's one structured answer. An answer that is not the schema's JSON, or an LLM
 * that refuses or fails, adjusts nothing: the review is optional and the score stands without it
 * (the results say why there is no adjustment).
 */
export async function askSecondOpinion(
  ctx: StepContext,
  scored: ScoredLead,
  model: ScoringModel,
): Promise<SecondOpinion> {
  const lead = { features: scored.profile, score: scored.score, model: model.kind, reasons: scored.explanation };
  let content: string | null;
  try {
    const response = await ctx.llm(REVIEWER_AGENT, {
      messages: [
        { role: 'system', content: SYSTEM },
        { role: 'user', content: JSON.stringify(lead) },
      ],
      responseFormat: { name: 'lead_score_review', schema: reviewFormat },
      temperature: 0,
      maxTokens: 400,
    });
    content = response.content;
  } catch (error) {
    if (error instanceof LlmError) return { adjustment: 0, rejected: `the reviewer failed: ${error.code}` };
    throw error;
  }
  const parsed = reviewAnswer.safeParse(parseJson(content));
  if (!parsed.success)
    return {
      adjustment: 0,
      rejected: `the reviewer's answer is not a valid review: ${z.prettifyError(parsed.error).slice(0, 300)}`,
    };
  return parsed.data;
}

function parseJson(content: string | null): unknown {
  if (content === null) return undefined;
  try {
    return JSON.parse(content) as unknown;
  } catch {
    return undefined;
  }
}
