import { z } from 'zod';
import type { CrmChange, CrmFields, CrmNotification, CrmTarget } from '../crm-change.ts';
import { parseBody, text } from './parse-body.ts';

/** Salesforce objects we ingest and the aggregate each becomes. */
export const SALESFORCE_OBJECTS: Readonly<Record<string, CrmTarget>> = { Lead: 'lead', Contact: 'customer' };

const recordId = z
  .string()
  .regex(/^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/, 'must be a 15- or 18-character Salesforce id');
const CHANGE_TYPES = [
  'CREATE',
  'UPDATE',
  'DELETE',
  'UNDELETE',
  'GAP_CREATE',
  'GAP_UPDATE',
  'GAP_DELETE',
  'GAP_UNDELETE',
] as const;

const changeEventHeader = z.object({
  // Any object's changes are accepted; only SALESFORCE_OBJECTS are ingested (the rest are logged as skipped).
  entityName: z.string().min(1),
  recordIds: z.array(recordId).min(1),
  changeType: z.enum(CHANGE_TYPES, {
    error: `must be one of ${CHANGE_TYPES.join(', ')} (GAP_OVERFLOW needs a full sync)`,
  }),
  changeOrigin: z.string().optional(),
  transactionKey: z.string().min(1),
  sequenceNumber: z.number().int().min(0),
  commitTimestamp: z.number().int().positive(),
  commitNumber: z.number().int().optional(),
  commitUser: z.string().optional(),
  changedFields: z.array(z.string()).default([]),
  nulledFields: z.array(z.string()).default([]),
  diffFields: z.array(z.string()).default([]),
});

/**
 * The AWS EventBridge envelope. Salesforce reaches EventBridge two ways: Event Relay
 * (source `aws.partner/salesforce.com/...`, the change event in `detail.payload`) and Amazon
 * AppFlow (source `aws.partner/appflow[.<stage>]/salesforce.com/...`, the change event's header
 * and mapped fields directly in `detail`, as in AWS's documented sample).
 */
const envelope = {
  version: z.literal('0'),
  id: z.string().min(1),
  'detail-type': z.string().min(1),
  source: z
    .string()
    .regex(
      /^aws\.partner\/(?:appflow[^/]*\/)?salesforce\.com\//,
      'must be an aws.partner/salesforce.com/... or aws.partner/appflow/salesforce.com/... event source',
    ),
  // AWS account ids are 12 digits; AWS's own AppFlow sample shows a shortened one.
  account: z.string().regex(/^\d{1,12}$/, 'must be an AWS account id (digits)'),
  time: z.iso.datetime(),
  region: z.string().min(1),
  resources: z.array(z.string()),
};

export const salesforceEventRelayEvent = z.object({
  ...envelope,
  detail: z.object({
    payload: z.looseObject({ ChangeEventHeader: changeEventHeader }),
    schemaId: z.string().optional(),
    id: z.string().optional(),
  }),
});

export const salesforceAppFlowEvent = z.object({
  ...envelope,
  detail: z.looseObject({ ChangeEventHeader: changeEventHeader }),
});

/** Event Relay puts the change event under `detail.payload`; anything else is read as AppFlow's shape. */
const isEventRelay = (body: unknown) =>
  typeof body === 'object' &&
  body !== null &&
  typeof (body as { detail?: unknown }).detail === 'object' &&
  (body as { detail: object | null }).detail !== null &&
  'payload' in (body as { detail: object }).detail;

/** Either shape, reduced to what the translation needs: the event's id and type and the change event. */
function parseSalesforce(body: unknown) {
  if (isEventRelay(body)) {
    const event = parseBody('Salesforce EventBridge (Event Relay)', salesforceEventRelayEvent, body);
    return { id: event.id, detailType: event['detail-type'], changeEvent: event.detail.payload, at: 'detail.payload' };
  }
  const event = parseBody('Salesforce EventBridge (AppFlow)', salesforceAppFlowEvent, body);
  return { id: event.id, detailType: event['detail-type'], changeEvent: event.detail, at: 'detail' };
}

/** Lead and Contact fields as CDC payloads and REST records carry them (CDC nests the compound Name). */
export function salesforceFields(record: Record<string, unknown>, nulled: readonly string[] = []): CrmFields {
  const name = (record.Name && typeof record.Name === 'object' ? record.Name : record) as Record<string, unknown>;
  const fields: CrmFields = {};
  const take = (key: keyof CrmFields, source: Record<string, unknown>, sfName: string, nulledName = sfName) => {
    if (sfName in source) fields[key] = text(source[sfName]) as never;
    else if (nulled.includes(nulledName)) fields[key] = null;
  };
  take('firstName', name, 'FirstName', 'Name.FirstName');
  take('lastName', name, 'LastName', 'Name.LastName');
  take('email', record, 'Email');
  take('phone', record, 'Phone');
  take('company', record, 'Company');
  take('jobTitle', record, 'Title');
  take('status', record, 'Status');
  if (fields.status !== undefined) fields.stage = salesforceStage(fields.status);
  return fields;
}

/** The standard Lead Status picklist; custom values are kept as status but have no stage. */
function salesforceStage(status: string | null): CrmFields['stage'] {
  switch (status) {
    case 'Open - Not Contacted':
      return 'open';
    case 'Working - Contacted':
      return 'contacted';
    case 'Closed - Not Converted':
      return 'disqualified';
    default:
      return null;
  }
}

export function translateSalesforce(body: unknown): CrmNotification[] {
  const { id, detailType, changeEvent, at } = parseSalesforce(body);
  const { ChangeEventHeader: header, ...record } = changeEvent;
  const gap = header.changeType.startsWith('GAP_');
  const base = header.changeType.replace(/^GAP_/, '');
  const changeType: CrmChange['changeType'] = base === 'UPDATE' ? 'update' : base === 'DELETE' ? 'delete' : 'create';
  // An undelete carries no fields either: the record's state comes from the REST API.
  const refetch = gap || base === 'UNDELETE';
  const fields = refetch || changeType === 'delete' ? {} : salesforceFields(record, header.nulledFields);
  const target = SALESFORCE_OBJECTS[header.entityName];
  return [
    {
      externalEventId: id,
      eventType: detailType,
      entity: header.entityName,
      changeType,
      occurredAt: new Date(header.commitTimestamp).toISOString(),
      occurredAtField: `${at}.ChangeEventHeader.commitTimestamp`,
      // An object not ingested here (Account, Opportunity, ...) is logged with no changes: skipped.
      changes: target
        ? header.recordIds.map((externalId) => ({
            target,
            entity: header.entityName,
            externalId,
            changeType,
            fields,
            refetch,
          }))
        : [],
    },
  ];
}
