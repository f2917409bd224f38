import type pg from 'pg';
import { reachedKey, type LimitReached, type PacingCommand, type PacingLimit } from './pacing.ts';

/** `${limit}:${periodKey}` of every cap already acted on for the campaign. */
export async function reachedKeys(client: pg.ClientBase, tenantId: string, campaignId: string): Promise<Set<string>> {
  const { rows } = await client.query<{ limit_kind: PacingLimit; period_key: string }>(
    'SELECT limit_kind, period_key FROM pacing_commands WHERE tenant_id = $1 AND campaign_id = $2',
    [tenantId, campaignId],
  );
  return new Set(rows.map((row) => reachedKey(row.limit_kind, row.period_key)));
}

export interface NewPacingCommand {
  command: PacingCommand;
  reached: LimitReached;
  /** The pacing_limit_reached event this command carries out. */
  eventId: string;
}

/**
 * Records each command with its event, in the event's transaction: the primary key (campaign,
 * limit, period) refuses a second one, so the transaction of a duplicate fails whole.
 */
export async function insertCommands(
  client: pg.ClientBase,
  tenantId: string,
  commands: readonly NewPacingCommand[],
  now: Date,
): Promise<void> {
  for (const { command, reached, eventId } of commands)
    await client.query(
      `INSERT INTO pacing_commands (tenant_id, campaign_id, limit_kind, period_key, period, action, event_id,
         spent, cap, currency, next_attempt_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)`,
      [
        tenantId,
        reached.campaignId,
        command.limit,
        command.periodKey,
        reached.period,
        command.action,
        eventId,
        reached.spent,
        reached.cap,
        reached.currency,
        now,
      ],
    );
}

export interface PacingActionView {
  limit: PacingLimit;
  period: string;
  action: 'pause' | 'complete';
  spent: string;
  cap: string;
  status: 'pending' | 'done' | 'refused';
  attempts: number;
  lastError: string | null;
  createdAt: string;
  finishedAt: string | null;
}

const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The campaign's latest pacing actions, newest first (event ids are UUIDv7: their order breaks ties of the clock). */
export async function recentActions(
  client: pg.ClientBase,
  tenantId: string,
  campaignId: string,
  limit: number,
): Promise<PacingActionView[]> {
  const { rows } = await client.query<PacingActionView>(
    `SELECT limit_kind AS "limit", to_char(period, 'YYYY-MM-DD') AS period, action, spent::text AS spent,
       cap::text AS cap, status, attempts, last_error AS "lastError", ${iso('created_at')} AS "createdAt",
       ${iso('finished_at')} AS "finishedAt"
     FROM pacing_commands WHERE tenant_id = $1 AND campaign_id = $2
     ORDER BY created_at DESC, event_id DESC LIMIT $3`,
    [tenantId, campaignId, limit],
  );
  return rows;
}
