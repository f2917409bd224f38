/** Descriptions of the OpenAPI document's tags (Swagger UI groups operations by them). */
export const openApiTags: Record<string, string> = {
  executions:
    "Executions of launched campaigns per channel: the plan, the frozen audience, each recipient's progress and exactly-once sends.",
  audience: 'Typed audience filters over leads and customers, previewed before launch.',
  'frequency-caps': "A tenant's limit of marketing messages per recipient across campaigns.",
  spend: "A campaign's decimal spend ledger and its pacing against the budget.",
  funnels: 'Sales funnels: ordered stages with live counts of leads.',
  simulation: 'What-if replays of a plan over the recorded audience and history before launch: nothing is written.',
  optimisation: "AI optimisation: each suggestion, the change applied and the KPIs' move since, as one chain.",
};
