import { z } from 'zod';
import type { CrmChange, CrmFields, CrmNotification, CrmTarget } from '../crm-change.ts';
import { parseBody, text } from './parse-body.ts';

/** Salesforce objects we ingest and the aggregate each becomes. */
export const SALESFORCE_OBJECTS: Readonly<Record<string, CrmTarget>> = { Lead: 'lead', Contact: 'customer' };

const recordId = z.string().regex(/^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/, 'must be a 15- or 18-character Salesforce id');
const CHANGE_TYPES = ['CREATE', 'UPDATE', 'DELETE', 'UNDELETE', 'GAP_CREATE', 'GAP_UPDATE', 'GAP_DELETE', 'GAP_UNDELETE'] as const;

const changeEventHeader = z.object({
  entityName: z.enum(Object.keys(SALESFORCE_OBJECTS) as [string, ...string[]], { error: 'must be Lead or Contact (the objects ingested)' }),
  recordIds: z.array(recordId).min(1),
  changeType: z.enum(CHANGE_TYPES, { error: `must be one of ${CHANGE_TYPES.join(', ')} (GAP_OVERFLOW needs a full sync)` }),
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

/** The AWS EventBridge envelope around a Salesforce change data capture event (Event Relay). */
export const salesforceEventBridgeEvent = z.object({
  version: z.literal('0'),
  id: z.string().min(1),
  'detail-type': z.string().min(1),
  source: z.string().regex(/^aws\.partner\/salesforce\.com\//, 'must be an aws.partner/salesforce.com/... event source'),
  account: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'),
  time: z.iso.datetime(),
  region: z.string().min(1),
  resources: z.array(z.string()),
  detail: z.object({
    payload: z.looseObject({ ChangeEventHeader: changeEventHeader }),
    schemaId: z.string().optional(),
    id: z.string().optional(),
  }),
});
export type SalesforceEventBridgeEvent = z.output<typeof salesforceEventBridgeEvent>;

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
    case 'Open - Not Contacted': return 'open';
    case 'Working - Contacted': return 'contacted';
    case 'Closed - Not Converted': return 'disqualified';
    default: return null;
  }
}

export function translateSalesforce(body: unknown): CrmNotification[] {
  const event = parseBody('Salesforce EventBridge', salesforceEventBridgeEvent, body);
  const { ChangeEventHeader: header, ...record } = event.detail.payload;
  const gap = header.changeType.startsWith('GAP_');
  const base = header.changeType.replace(/^GAP_/, '');
  const changeType: CrmChange['changeType'] = base === 'UPDATE' ? 'update' : base === 'DELETE' ? 'delete' : 'create';
  // An undelete carries no fields either: the record's state comes from the REST API.
  const refetch = gap || base === 'UNDELETE';
  const fields = refetch || changeType === 'delete' ? {} : salesforceFields(record, header.nulledFields);
  const target = SALESFORCE_OBJECTS[header.entityName]!;
  return [{
    externalEventId: event.id,
    eventType: event['detail-type'],
    entity: header.entityName,
    changeType,
    occurredAt: new Date(header.commitTimestamp).toISOString(),
    changes: header.recordIds.map((externalId) => ({ target, entity: header.entityName, externalId, changeType, fields, refetch })),
  }];
}
