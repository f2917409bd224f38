import { z } from 'zod';
import type { CrmChange, CrmFields, CrmNotification } from '../crm-change.ts';
import { parseBody, text } from './parse-body.ts';

const ACTIONS = { create: 'create', change: 'update', delete: 'delete' } as const;
const entityId = z
  .union([z.string().regex(/^\d+$/, 'must be a numeric id'), z.number().int().positive()])
  .transform(String);

/** Pipedrive's webhook body, version 2.0 (persons only: they become leads). */
export const pipedriveWebhookBody = z.object({
  meta: z.looseObject({
    action: z.enum(Object.keys(ACTIONS) as [keyof typeof ACTIONS], { error: 'must be create, change or delete' }),
    entity: z.literal('person', { error: 'must be person (the only entity ingested)' }),
    entity_id: entityId,
    id: z.string().min(1),
    timestamp: z.iso.datetime({ offset: true }),
    version: z.literal('2.0', { error: 'must be 2.0 (webhooks v2)' }),
    company_id: entityId.optional(),
  }),
  data: z.looseObject({ id: entityId }).nullable(),
  previous: z.looseObject({}).nullable().optional(),
});

const primaryValue = (list: unknown): unknown => {
  if (!Array.isArray(list) || list.length === 0) return list === undefined ? undefined : null;
  const items = list as { value?: unknown; primary?: boolean }[];
  return (items.find((item) => item.primary) ?? items[0])?.value ?? null;
};

/** A person as webhooks v2 and the v2 API carry it (emails/phones lists; v1's email/phone also read). */
export function pipedriveFields(person: Record<string, unknown>): CrmFields {
  const fields: CrmFields = {};
  const set = (key: keyof CrmFields, value: unknown) => {
    if (value !== undefined) fields[key] = text(value) as never;
  };
  set('firstName', person.first_name);
  set('lastName', person.last_name);
  set('email', primaryValue(person.emails ?? person.email));
  set('phone', primaryValue(person.phones ?? person.phone));
  if (person.org_name !== undefined) set('company', person.org_name);
  // An archived person reads as inactive: seed 004 keeps those out of the platform.
  if (typeof person.is_deleted === 'boolean' || typeof person.active_flag === 'boolean') {
    fields.status = person.is_deleted === true || person.active_flag === false ? 'inactive' : 'active';
  }
  return fields;
}

export function translatePipedrive(body: unknown): CrmNotification[] {
  const { meta, data } = parseBody('Pipedrive webhook', pipedriveWebhookBody, body);
  const changeType: CrmChange['changeType'] = ACTIONS[meta.action];
  const fields = changeType !== 'delete' && data ? pipedriveFields(data) : {};
  return [
    {
      externalEventId: meta.id,
      eventType: `${meta.action}.person`,
      entity: 'person',
      changeType,
      occurredAt: new Date(meta.timestamp).toISOString(),
      occurredAtField: 'meta.timestamp',
      changes: [
        {
          target: 'lead',
          entity: 'person',
          externalId: meta.entity_id,
          changeType,
          fields,
          refetch: changeType !== 'delete' && !data,
        },
      ],
    },
  ];
}
