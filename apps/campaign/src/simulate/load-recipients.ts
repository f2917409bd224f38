import type pg from 'pg';
import { selectAudienceSql } from '../audience/select-audience-sql.ts';
import type { ClaimedEnrolment } from '../dispatch/claim-batch.ts';
import type { PlanAudience } from '../plans/plan-schema.ts';
import type { RecipientHistory } from './walk-recipient.ts';

/** How far back a recipient's recorded behaviour decides how the simulation expects it to behave. */
export const BEHAVIOUR_LOOKBACK_DAYS = 90;

export interface SimulatedAudience {
  /** Contacts the filter selects now. */
  size: number;
  /** Of those, the ones kept out by the re-entry cooldown (as enrolment would). */
  skippedReentry: number;
  /** The others, in contact id order. */
  recipients: RecipientHistory[];
}

export interface HistoryWindow {
  campaignId: string;
  from: Date;
  until: Date;
  /** The frequency cap's window (null: no cap, so no send counts are needed). */
  capWindowDays: number | null;
}

interface AudienceRow {
  contactId: string;
  contactKind: 'lead' | 'customer';
  email: string | null;
  phone: string | null;
  timezone: string | null;
  consent: ClaimedEnrolment['consent'];
  reentry: boolean;
  converts: boolean;
}

interface HistoryRow {
  contactId: string;
  marketingAt: Date[];
  opened: boolean;
  clicked: boolean;
}

/**
 * The audience and its recorded history in two statements. The re-entry rule is enrol-audience's
 * (an enrolment in another campaign within the cooldown before `from`, not itself skipped). The
 * behaviour rule: a recipient who opened (clicked) any message of another campaign within the 90
 * days before `from` is expected to open (click) each message of the plan at once; one whose
 * conversion was recorded on an enrolment in another campaign within those days is expected to
 * convert after the plan's first message. Everyone else does none of these, so a branch on them
 * waits out its window and takes `otherwise`.
 */
export async function loadRecipients(
  client: pg.ClientBase,
  tenantId: string,
  audience: PlanAudience,
  window: HistoryWindow,
): Promise<SimulatedAudience> {
  const { sql, params } = selectAudienceSql(audience.filter, 6);
  const scope = [tenantId, window.campaignId, window.from, BEHAVIOUR_LOOKBACK_DAYS];
  const { rows } = await client.query<AudienceRow>(
    `SELECT c.contact_id AS "contactId", c.kind AS "contactKind", c.email, c.phone, c.timezone, c.consent,
       ($5::int IS NOT NULL AND EXISTS (SELECT 1 FROM enrolments e
         WHERE e.tenant_id = $1 AND e.contact_id = c.contact_id AND e.campaign_id <> $2 AND e.status <> 'skipped'
           AND e.enrolled_at > $3::timestamptz - make_interval(days => $5::int) AND e.enrolled_at <= $3)) AS reentry,
       EXISTS (SELECT 1 FROM enrolments e
         WHERE e.tenant_id = $1 AND e.contact_id = c.contact_id AND e.campaign_id <> $2
           AND e.converted_at > $3::timestamptz - make_interval(days => $4::int) AND e.converted_at <= $3) AS converts
     FROM (${sql}) c ORDER BY c.contact_id`,
    [...scope, audience.reentryCooldownDays, ...params],
  );
  const history = await loadHistory(client, scope, window, audience);
  const entering = rows.filter((row) => !row.reentry);
  return {
    size: rows.length,
    skippedReentry: rows.length - entering.length,
    recipients: entering.map((row) => recipientOf(row, history.get(row.contactId))),
  };
}

/** Per contact of the audience: its marketing sends of other campaigns around the horizon, and whether it opened or clicked one lately. */
async function loadHistory(
  client: pg.ClientBase,
  scope: unknown[],
  window: HistoryWindow,
  audience: PlanAudience,
): Promise<Map<string, HistoryRow>> {
  const { sql, params } = selectAudienceSql(audience.filter, 7);
  const { rows } = await client.query<HistoryRow>(
    `WITH audience AS (${sql})
     SELECT s.contact_id AS "contactId",
       coalesce(array_agg(s.reserved_at ORDER BY s.reserved_at) FILTER (WHERE s.marketing AND $5::int IS NOT NULL
         AND s.reserved_at > $3::timestamptz - make_interval(days => $5::int) AND s.reserved_at <= $6), '{}') AS "marketingAt",
       coalesce(bool_or(s.opened_at > $3::timestamptz - make_interval(days => $4::int) AND s.opened_at <= $3), false) AS opened,
       coalesce(bool_or(s.clicked_at > $3::timestamptz - make_interval(days => $4::int) AND s.clicked_at <= $3), false) AS clicked
     FROM sends s JOIN audience a ON a.contact_id = s.contact_id
     WHERE s.tenant_id = $1 AND s.campaign_id <> $2
     GROUP BY s.contact_id`,
    [...scope, window.capWindowDays, window.until, ...params],
  );
  return new Map(rows.map((row) => [row.contactId, row]));
}

function recipientOf(row: AudienceRow, history: HistoryRow | undefined): RecipientHistory {
  return {
    contactId: row.contactId,
    contactKind: row.contactKind,
    email: row.email,
    phone: row.phone,
    timezone: row.timezone,
    consent: row.consent,
    marketingSendsAt: (history?.marketingAt ?? []).map((at) => at.getTime()),
    opens: history?.opened ?? false,
    clicks: history?.clicked ?? false,
    converts: row.converts,
  };
}
