/** Descriptions of the OpenAPI document's tags (Swagger UI groups operations by them). */
export const openApiTags: Record<string, string> = {
  analyses:
    'Analyses: durable agent runs over a lead, a campaign or a website, with steps, usage, streaming and replay.',
  approvals: 'Tool calls flagged for a person: the run waits for the decision, across restarts.',
  evals: 'A crew version run over recorded analyses, scored by agreement with what was decided.',
  settings: "A tenant's LLM (OpenAI-compatible), prices, monthly token quota and guardrails.",
  usage: 'Tokens, cost and runs per tenant and month.',
};
