import type pg from 'pg';
import { compileAudienceFilter } from '../audience/compile-audience-filter.ts';
import type { Plan } from '../plans/plan-schema.ts';

/** A due enrolment claimed for one dispatch round, with what its next step needs. */
export interface ClaimedEnrolment {
  contactId: string;
  enrolmentId: string;
  contactKind: 'lead' | 'customer';
  variant: string | null;
  stepIndex: number;
  streamVersion: number;
  convertedAt: Date | null;
  email: string | null;
  phone: string | null;
  firstName: string | null;
  lastName: string | null;
  timezone: string | null;
  /** A customer's stated preferences (null: none stated, as for leads). */
  consent: { email?: boolean; sms?: boolean; marketing?: boolean } | null;
  /** The contact still matches the plan's audience filter (false: it left, or was deleted). */
  matches: boolean;
  lastSendAt: Date | null;
  lastOpenedAt: Date | null;
  lastClickedAt: Date | null;
}

/**
 * Claims up to `limit` due enrolments of one campaign (FOR UPDATE SKIP LOCKED: replicas take
 * disjoint rows) by leasing them until `leaseUntil`, in the caller's tenant transaction, and reads
 * the contact and its latest send alongside. A replica that dies mid-round leaves its lease to
 * run out; the rows are claimed again and their reserved sends repeated under the same keys.
 */
export async function claimDue(
  client: pg.ClientBase,
  tenantId: string,
  plan: Plan,
  now: Date,
  leaseUntil: Date,
  limit: number,
): Promise<ClaimedEnrolment[]> {
  const { where, params } = compileAudienceFilter(plan.audience.filter, 6);
  const { rows } = await client.query<ClaimedEnrolment>(
    `WITH due AS (
       SELECT contact_id FROM enrolments
       WHERE tenant_id = $1 AND campaign_id = $2 AND status = 'active' AND due_at <= $3
         AND (lease_until IS NULL OR lease_until < $3)
       ORDER BY due_at LIMIT $5 FOR UPDATE SKIP LOCKED),
     claimed AS (
       UPDATE enrolments e SET lease_until = $4 FROM due
       WHERE e.tenant_id = $1 AND e.campaign_id = $2 AND e.contact_id = due.contact_id
       RETURNING e.*)
     SELECT e.contact_id AS "contactId", e.enrolment_id AS "enrolmentId", e.contact_kind AS "contactKind", e.variant,
       e.step_index AS "stepIndex", e.stream_version AS "streamVersion", e.converted_at AS "convertedAt",
       c.email, c.phone, c.first_name AS "firstName", c.last_name AS "lastName", c.timezone, c.consent,
       EXISTS (SELECT 1 FROM contacts WHERE contacts.tenant_id = e.tenant_id AND contacts.contact_id = e.contact_id
         AND (${where})) AS matches,
       last.reserved_at AS "lastSendAt", last.opened_at AS "lastOpenedAt", last.clicked_at AS "lastClickedAt"
     FROM claimed e
     LEFT JOIN contacts c ON c.tenant_id = e.tenant_id AND c.contact_id = e.contact_id
     LEFT JOIN LATERAL (
       SELECT s.reserved_at, s.opened_at, s.clicked_at FROM sends s
       WHERE s.tenant_id = e.tenant_id AND s.campaign_id = e.campaign_id AND s.contact_id = e.contact_id
       ORDER BY s.reserved_at DESC LIMIT 1) last ON true`,
    [tenantId, plan.campaignId, now, leaseUntil, limit, ...params],
  );
  return rows;
}

/** How many more sends the campaign's per-minute rate allows now (Infinity without a rate). */
export async function rateAllowance(client: pg.ClientBase, tenantId: string, plan: Plan, now: Date): Promise<number> {
  if (plan.sendRatePerMinute === null) return Number.POSITIVE_INFINITY;
  const { rows } = await client.query<{ sent: number }>(
    `SELECT count(*)::int AS sent FROM sends
     WHERE tenant_id = $1 AND campaign_id = $2 AND reserved_at > $3::timestamptz - interval '1 minute'`,
    [tenantId, plan.campaignId, now],
  );
  return Math.max(0, plan.sendRatePerMinute - rows[0]!.sent);
}
