import type pg from 'pg';

/** The winners chosen so far of the campaign's A/B steps, by step id. */
export async function findWinners(
  client: pg.ClientBase,
  tenantId: string,
  campaignId: string,
): Promise<Map<string, string>> {
  const { rows } = await client.query<{ stepId: string; winner: string }>(
    'SELECT step_id AS "stepId", winner FROM ab_winners WHERE tenant_id = $1 AND campaign_id = $2',
    [tenantId, campaignId],
  );
  return new Map(rows.map((row) => [row.stepId, row.winner]));
}
