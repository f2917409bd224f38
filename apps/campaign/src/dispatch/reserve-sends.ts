import type pg from 'pg';
import type { PlanStep } from '../plans/plan-schema.ts';
import { advance } from './advance.ts';
import { factsOf, moveTo, type Move, type SendIntent } from './plan-round.ts';

export interface FrequencyCap {
  maxMessages: number;
  windowDays: number;
}

/**
 * Reserves the round's sends: one row per (campaign, step, recipient), written before the call
 * to notification so that the tenant's frequency cap counts it at once. A key reserved in an
 * earlier round (its replica died before recording the answer) is sent again as it is: the same
 * transactionId, so notification sends nothing twice. Marketing sends past the cap are skipped
 * (`capped`): recipients are locked (advisory, in id order) while their window is counted, so
 * two campaigns reserving for the same person at once count each other.
 */
export async function reserveSends(
  client: pg.ClientBase,
  tenantId: string,
  campaignId: string,
  steps: readonly PlanStep[],
  intents: readonly SendIntent[],
  cap: FrequencyCap | undefined,
  now: Date,
): Promise<{ reserved: SendIntent[]; capped: Move[] }> {
  if (intents.length === 0) return { reserved: [], capped: [] };
  const already = await reservedKeys(client, tenantId, campaignId, intents);
  const fresh = intents.filter((intent) => !already.has(keyOf(intent)));
  const counts = cap ? await windowCounts(client, tenantId, fresh, cap, now) : new Map<string, number>();
  const reserved = intents.filter((intent) => already.has(keyOf(intent)));
  const capped: Move[] = [];
  for (const intent of fresh) {
    const contactId = intent.enrolment.contactId;
    const count = counts.get(contactId) ?? 0;
    if (cap && intent.step.category === 'marketing' && count >= cap.maxMessages) {
      const after = advance(steps, intent.index + 1, factsOf(intent.enrolment), now);
      capped.push(
        moveTo(intent.enrolment, after, now, {
          stepId: intent.step.id,
          reason: 'capped',
          detail: `${count} marketing messages in ${cap.windowDays} days (cap ${cap.maxMessages})`,
        }),
      );
      continue;
    }
    if (intent.step.category === 'marketing') counts.set(contactId, count + 1);
    reserved.push(intent);
  }
  const inserts = reserved.filter((intent) => !already.has(keyOf(intent)));
  if (inserts.length > 0)
    await client.query(
      `INSERT INTO sends (tenant_id, campaign_id, step_id, contact_id, channel, template_key, variant, marketing, state, reserved_at)
       SELECT $1, $2, u.step_id, u.contact_id, u.channel, u.template_key, u.variant, u.marketing, 'reserved', $3
       FROM unnest($4::text[], $5::uuid[], $6::text[], $7::text[], $8::text[], $9::boolean[])
         AS u(step_id, contact_id, channel, template_key, variant, marketing)`,
      [
        tenantId,
        campaignId,
        now,
        inserts.map((i) => i.step.id),
        inserts.map((i) => i.enrolment.contactId),
        inserts.map((i) => i.step.channel),
        inserts.map((i) => i.choice.templateKey),
        inserts.map((i) => i.choice.variant),
        inserts.map((i) => i.step.category === 'marketing'),
      ],
    );
  return { reserved, capped };
}

const keyOf = (intent: SendIntent) => `${intent.step.id}|${intent.enrolment.contactId}`;

async function reservedKeys(
  client: pg.ClientBase,
  tenantId: string,
  campaignId: string,
  intents: readonly SendIntent[],
): Promise<Set<string>> {
  // The ANY keeps the join to this round's sends when the planner thinks the campaign has few (apply-moves.ts).
  const { rows } = await client.query<{ key: string }>(
    `SELECT s.step_id || '|' || s.contact_id AS key FROM sends s
     JOIN unnest($3::text[], $4::uuid[]) AS u(step_id, contact_id) ON s.step_id = u.step_id AND s.contact_id = u.contact_id
     WHERE s.tenant_id = $1 AND s.campaign_id = $2 AND s.contact_id = ANY($4::uuid[])`,
    [tenantId, campaignId, intents.map((i) => i.step.id), intents.map((i) => i.enrolment.contactId)],
  );
  return new Set(rows.map((row) => row.key));
}

/** Marketing sends per recipient inside the cap's window, across the tenant's campaigns, under a lock per recipient. */
async function windowCounts(
  client: pg.ClientBase,
  tenantId: string,
  intents: readonly SendIntent[],
  cap: FrequencyCap,
  now: Date,
): Promise<Map<string, number>> {
  const contacts = [
    ...new Set(intents.filter((i) => i.step.category === 'marketing').map((i) => i.enrolment.contactId)),
  ].sort();
  if (contacts.length === 0) return new Map();
  await client.query(`SELECT pg_advisory_xact_lock(hashtextextended($1::text || c, 0)) FROM unnest($2::text[]) AS c`, [
    tenantId,
    contacts,
  ]);
  const { rows } = await client.query<{ contactId: string; count: number }>(
    `SELECT contact_id AS "contactId", count(*)::int AS count FROM sends
     WHERE tenant_id = $1 AND marketing AND contact_id = ANY($2::uuid[])
       AND reserved_at > $3::timestamptz - make_interval(days => $4::int)
     GROUP BY contact_id`,
    [tenantId, contacts, now, cap.windowDays],
  );
  return new Map(rows.map((row) => [row.contactId, row.count]));
}
