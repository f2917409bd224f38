import { z } from 'zod';
import type { CrmChange, CrmFields, CrmNotification } from '../crm-change.ts';
import { parseBody, text } from './parse-body.ts';

/** HubSpot contact properties we read, and their names here. */
export const HUBSPOT_PROPERTIES: Readonly<Record<string, keyof CrmFields>> = {
  email: 'email',
  firstname: 'firstName',
  lastname: 'lastName',
  phone: 'phone',
  company: 'company',
  jobtitle: 'jobTitle',
  hs_lead_status: 'status',
};

const SUBSCRIPTIONS = {
  'contact.creation': 'create',
  'contact.propertyChange': 'update',
  'contact.deletion': 'delete',
  'contact.restore': 'create',
} as const;

const hubspotEvent = z
  .object({
    eventId: z.number().int().positive(),
    subscriptionId: z.number().int().positive(),
    portalId: z.number().int().positive(),
    appId: z.number().int().positive(),
    occurredAt: z.number().int().positive(),
    subscriptionType: z.enum(Object.keys(SUBSCRIPTIONS) as [keyof typeof SUBSCRIPTIONS], {
      error: `must be one of ${Object.keys(SUBSCRIPTIONS).join(', ')}`,
    }),
    attemptNumber: z.number().int().min(0),
    objectId: z.number().int().positive(),
    changeSource: z.string().optional(),
    changeFlag: z.string().optional(),
    propertyName: z.string().min(1).optional(),
    propertyValue: z.string().optional(),
  })
  .refine((event) => event.subscriptionType !== 'contact.propertyChange' || event.propertyName !== undefined, {
    message: 'a propertyChange names its propertyName',
    path: ['propertyName'],
  });

/** HubSpot's webhook body: a batch of up to 100 events (Webhooks API v3). */
export const hubspotWebhookBody = z.array(hubspotEvent).min(1).max(100);

/** The contact's `properties` object of the CRM API, or one changed property. */
export function hubspotFields(properties: Record<string, unknown>): CrmFields {
  const fields: CrmFields = {};
  for (const [name, key] of Object.entries(HUBSPOT_PROPERTIES))
    if (name in properties) fields[key] = text(properties[name]) as never;
  if (fields.status !== undefined) fields.stage = hubspotStage(fields.status);
  return fields;
}

/** hs_lead_status's default options. */
function hubspotStage(status: string | null): CrmFields['stage'] {
  switch (status) {
    case 'NEW':
    case 'OPEN':
      return 'open';
    case 'IN_PROGRESS':
    case 'ATTEMPTED_TO_CONTACT':
    case 'CONNECTED':
    case 'OPEN_DEAL':
      return 'contacted';
    case 'UNQUALIFIED':
      return 'disqualified';
    default:
      return null;
  }
}

/** Each event of the batch is its own notification (HubSpot may retry them separately). */
export function translateHubspot(body: unknown): CrmNotification[] {
  return parseBody('HubSpot webhook', hubspotWebhookBody, body).map((event, index) => {
    const changeType: CrmChange['changeType'] = SUBSCRIPTIONS[event.subscriptionType];
    const fields =
      event.propertyName !== undefined ? hubspotFields({ [event.propertyName]: event.propertyValue ?? null }) : {};
    return {
      externalEventId: `${event.portalId}:${event.eventId}`,
      eventType: event.subscriptionType,
      entity: 'contact',
      changeType,
      occurredAt: new Date(event.occurredAt).toISOString(),
      occurredAtField: `${index}.occurredAt`,
      // Creation and restore events carry only the id: the contact is read from the CRM API.
      changes: [
        {
          target: 'lead',
          entity: 'contact',
          externalId: String(event.objectId),
          changeType,
          fields,
          refetch: changeType === 'create',
        },
      ],
    };
  });
}
