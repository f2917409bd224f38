import type pg from 'pg';
import { PlatformCallError, type PlatformClient } from '@bizosaas/platform-client';
import type { PacingLimit } from './pacing.ts';

export interface ClaimedCommand {
  tenantId: string;
  campaignId: string;
  limit: PacingLimit;
  periodKey: string;
  period: string;
  action: 'pause' | 'complete';
  eventId: string;
  spent: string;
  cap: string;
  currency: string;
  /** Attempts including this one. */
  attempts: number;
}

/**
 * Claims due pending commands of every tenant (worker role): SKIP LOCKED so replicas never take
 * the same row, and the claim moves next_attempt_at past a lease, so a replica dying mid-send
 * only delays the command (it is sent again with the same Idempotency-Key).
 */
export async function claimCommands(
  worker: pg.Pool,
  now: Date,
  limit: number,
  leaseMs: number,
): Promise<ClaimedCommand[]> {
  const { rows } = await worker.query<ClaimedCommand>(
    `WITH due AS (
       SELECT tenant_id, campaign_id, limit_kind, period_key FROM pacing_commands
       WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED)
     UPDATE pacing_commands c SET attempts = c.attempts + 1,
       next_attempt_at = $1::timestamptz + make_interval(secs => $3::float8 / 1000)
     FROM due WHERE (c.tenant_id, c.campaign_id, c.limit_kind, c.period_key) = (due.tenant_id, due.campaign_id, due.limit_kind, due.period_key)
     RETURNING c.tenant_id AS "tenantId", c.campaign_id AS "campaignId", c.limit_kind AS "limit",
       c.period_key AS "periodKey", to_char(c.period, 'YYYY-MM-DD') AS period, c.action, c.event_id AS "eventId",
       c.spent::text AS spent, c.cap::text AS cap, c.currency, c.attempts`,
    [now, limit, leaseMs],
  );
  return rows;
}

/** The command's key at domain-repository: the same for every attempt of the same row. */
export const commandIdempotencyKey = (command: ClaimedCommand) =>
  `campaign-pacing:${command.campaignId}:${command.limit}:${command.periodKey}`;

const LIMIT_WORDS: Record<PacingLimit, string> = { daily: 'day', monthly: 'month', total: 'total' };

/** The body of domain-repository's pause or complete command (apps/domain-repository/src/campaign). */
export function commandRequest(command: ClaimedCommand): { path: string; body: object } {
  const spent = `${command.spent} ${command.currency} spent, cap ${command.cap} ${command.currency}`;
  if (command.action === 'complete')
    return {
      path: `/api/v1/campaigns/${command.campaignId}/complete`,
      body: { reason: 'budget_exhausted', note: `Total budget spent (${spent})` },
    };
  const period = command.limit === 'daily' ? command.period : command.periodKey;
  return {
    path: `/api/v1/campaigns/${command.campaignId}/pause`,
    body: { reason: `Pacing: the ${LIMIT_WORDS[command.limit]} ${period} reached its spend cap (${spent})` },
  };
}

export type SendOutcome = { status: 'done' | 'refused' | 'retry'; error: string | null };

/**
 * Sends one command. 200 is done (domain-repository answers a repeat of an applied command, or
 * one already true of the campaign, with 200 too); 404 and 422 are refusals that no retry can
 * change (the campaign is gone, or already completed or otherwise past the command): done as
 * well. Anything else is retried later.
 */
export async function sendCommand(
  client: PlatformClient,
  command: ClaimedCommand,
  signal: AbortSignal,
): Promise<SendOutcome> {
  const { path, body } = commandRequest(command);
  try {
    await client.post(command.tenantId, path, body, 200, signal, {
      correlationId: command.eventId,
      idempotencyKey: commandIdempotencyKey(command),
    });
    return { status: 'done', error: null };
  } catch (error) {
    if (error instanceof PlatformCallError && (error.status === 404 || error.status === 422))
      return { status: 'refused', error: error.body.slice(0, 1000) };
    return { status: 'retry', error: (error as Error).message.slice(0, 1000) };
  }
}

/** The delay before the next attempt: doubling from 1 s, at most 5 minutes. */
export const retryDelayMs = (attempts: number) => Math.min(300_000, 1000 * 2 ** Math.max(0, attempts - 1));

export async function finishCommand(
  worker: pg.Pool,
  command: ClaimedCommand,
  outcome: SendOutcome,
  now: Date,
): Promise<void> {
  const retryAt = new Date(now.getTime() + retryDelayMs(command.attempts));
  await worker.query(
    `UPDATE pacing_commands SET status = CASE WHEN $5 = 'retry' THEN 'pending' ELSE $5 END, last_error = $6,
       finished_at = CASE WHEN $5 = 'retry' THEN NULL ELSE $7::timestamptz END,
       next_attempt_at = CASE WHEN $5 = 'retry' THEN $8::timestamptz ELSE next_attempt_at END
     WHERE tenant_id = $1 AND campaign_id = $2 AND limit_kind = $3 AND period_key = $4 AND status = 'pending'`,
    [
      command.tenantId,
      command.campaignId,
      command.limit,
      command.periodKey,
      outcome.status,
      outcome.error,
      now,
      retryAt,
    ],
  );
}
