import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { BusinessRuleViolation, NotFoundError } from '@bizosaas/ddd-kernel';
import type { NotificationChannel } from '../channels/channel.ts';
import { findDefaultRule, withDefaults } from './default-rules.ts';
import {
  isRuleEventType,
  type Rule,
  type RuleBody,
  type RuleCondition,
  type RuleEventType,
  type RuleRecipient,
} from './rule.ts';

interface RuleRow {
  id: string;
  event_type: RuleEventType;
  template_key: string;
  recipient: RuleRecipient;
  channels: NotificationChannel[] | null;
  conditions: RuleCondition[] | null;
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, event_type, template_key, recipient, channels, conditions, enabled, created_at, updated_at';

function toRule(row: RuleRow): Rule {
  return {
    id: row.id,
    eventType: row.event_type,
    templateKey: row.template_key,
    recipient: row.recipient,
    channels: row.channels,
    when: row.conditions,
    enabled: row.enabled,
    builtIn: false,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** A unique violation on (tenant, eventType, templateKey) becomes the rule it breaks. */
async function oneRulePerKey<T>(body: RuleBody, write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if ((error as { code?: string }).code !== '23505') throw error;
    throw new BusinessRuleViolation(
      'rule_unique',
      `The tenant already has a rule sending ${body.templateKey} on ${body.eventType}`,
      { eventType: body.eventType, templateKey: body.templateKey },
    );
  }
}

/** The tenant's rules (the client's tenant, by RLS), optionally of one event type. */
async function tenantRules(client: pg.PoolClient, eventType?: RuleEventType): Promise<Rule[]> {
  const { rows } = await client.query<RuleRow>(
    `SELECT ${COLUMNS} FROM notification.notification_rules
     WHERE $1::text IS NULL OR event_type = $1 ORDER BY event_type, template_key`,
    [eventType ?? null],
  );
  return rows.map(toRule);
}

/** Every rule in force for the tenant: its own and the defaults it has not replaced. */
export async function listRules(client: pg.PoolClient, eventType?: RuleEventType): Promise<Rule[]> {
  const rules = withDefaults(await tenantRules(client, eventType));
  return eventType ? rules.filter((rule) => rule.eventType === eventType) : rules;
}

/** The tenant's rule, or a default it has not replaced; anything else is not found. */
export async function getRule(client: pg.PoolClient, id: string): Promise<Rule> {
  const found = (await listRules(client)).find((rule) => rule.id === id);
  if (!found) throw new NotFoundError(`Rule ${id} not found`, { ruleId: id });
  return found;
}

export async function createRule(client: pg.PoolClient, tenantId: string, body: RuleBody, now: Date): Promise<Rule> {
  const { rows } = await oneRulePerKey(
    body,
    client.query<RuleRow>(
      `INSERT INTO notification.notification_rules
         (id, tenant_id, event_type, template_key, recipient, channels, conditions, enabled, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING ${COLUMNS}`,
      [
        randomUUID(),
        tenantId,
        body.eventType,
        body.templateKey,
        body.recipient,
        body.channels ?? null,
        body.when ? JSON.stringify(body.when) : null,
        body.enabled,
        now,
      ],
    ),
  );
  return toRule(rows[0]!);
}

/**
 * Replaces a rule. A default cannot change, so replacing one creates the tenant's own rule for
 * its eventType and templateKey (with a new id), which takes its place from then on.
 */
export async function replaceRule(
  client: pg.PoolClient,
  tenantId: string,
  id: string,
  body: RuleBody,
  now: Date,
): Promise<Rule> {
  const current = await getRule(client, id);
  if (current.builtIn) {
    if (body.eventType !== current.eventType || body.templateKey !== current.templateKey)
      throw new BusinessRuleViolation(
        'built_in_rule_key',
        `A built-in rule is replaced by a rule for the same event and template (${current.eventType}, ${current.templateKey})`,
        { eventType: current.eventType, templateKey: current.templateKey },
      );
    return createRule(client, tenantId, body, now);
  }
  const { rows } = await oneRulePerKey(
    body,
    client.query<RuleRow>(
      `UPDATE notification.notification_rules
       SET event_type = $2, template_key = $3, recipient = $4, channels = $5, conditions = $6, enabled = $7, updated_at = $8
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [
        id,
        body.eventType,
        body.templateKey,
        body.recipient,
        body.channels ?? null,
        body.when ? JSON.stringify(body.when) : null,
        body.enabled,
        now,
      ],
    ),
  );
  return toRule(rows[0]!);
}

/** Deletes the tenant's rule; the default it replaced, if any, applies again. */
export async function deleteRule(client: pg.PoolClient, id: string): Promise<void> {
  if (findDefaultRule(id) && (await listRules(client)).some((rule) => rule.id === id))
    throw new BusinessRuleViolation(
      'built_in_rule',
      'A built-in rule cannot be deleted; replace it with enabled false to switch it off',
      { ruleId: id },
    );
  const deleted = await client.query('DELETE FROM notification.notification_rules WHERE id = $1', [id]);
  if (deleted.rowCount === 0) throw new NotFoundError(`Rule ${id} not found`, { ruleId: id });
}

/** The enabled rules an event of this type triggers for the tenant. */
export async function rulesForEvent(client: pg.PoolClient, eventType: string): Promise<Rule[]> {
  if (!isRuleEventType(eventType)) return [];
  return (await listRules(client, eventType)).filter((rule) => rule.enabled);
}
