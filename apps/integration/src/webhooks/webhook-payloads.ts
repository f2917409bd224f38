import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ValidationError } from '@bizosaas/ddd-kernel';
import { toFieldIssues } from '@bizosaas/event-schemas';
import type { SignedScheme } from './webhook-signatures.ts';

/** One provider event of a verified webhook: what is stored once per connection and event id. */
export interface ReceivedEvent {
  /** The provider's id of the event: a repeat with the same id is a duplicate. */
  providerEventId: string;
  eventType: string;
  /** The event's JSON text. */
  payload: string;
}

const eventId = z.string().min(1).max(200);
const eventType = z.string().min(1).max(200);

// Providers add fields over time: only what the id and type come from is required.
const stripeEvent = z.looseObject({ id: eventId, type: eventType });
/** HubSpot posts a batch: an array of up to 100 events, each with its own eventId. */
const hubspotBatch = z
  .array(z.looseObject({ eventId: z.union([z.int().min(0), eventId]), subscriptionType: eventType }))
  .min(1)
  .max(1000);
const metaNotification = z.looseObject({
  object: z.string().min(1).max(100),
  entry: z
    .array(
      z.looseObject({
        id: z.union([z.string().min(1).max(64), z.int().min(0)]),
        time: z.int().min(0),
        changes: z.array(z.looseObject({ field: z.string().max(90).optional() })).optional(),
      }),
    )
    .min(1),
});

function parsed<T>(schema: z.ZodType<T>, text: string, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ValidationError('The webhook body is not JSON', [
      { path: '', message: (error as Error).message, location: 'body' },
    ]);
  }
  const result = schema.safeParse(json);
  if (!result.success)
    throw new ValidationError(
      `The webhook body is not ${what}`,
      toFieldIssues(result.error).map((issue) => ({ ...issue, location: 'body' as const })),
    );
  return result.data;
}

/** Stripe: one event per request, `id` (evt_...) and `type`; the payload is the body as received. */
function stripeEvents(rawBody: Buffer): ReceivedEvent[] {
  const text = rawBody.toString('utf8');
  const event = parsed(stripeEvent, text, 'a Stripe event');
  return [{ providerEventId: event.id, eventType: event.type, payload: text }];
}

/**
 * HubSpot: each event of the batch on its own, by its eventId (one repeated inside the batch is
 * stored once, as a repeat in a later batch is); its payload is that event's JSON.
 */
function hubspotEvents(rawBody: Buffer): ReceivedEvent[] {
  return parsed(hubspotBatch, rawBody.toString('utf8'), 'a HubSpot event batch').map((event) => ({
    providerEventId: String(event.eventId),
    eventType: event.subscriptionType,
    payload: JSON.stringify(event),
  }));
}

/**
 * Meta sends no event id. A notification is named by its first entry (the object's id and the
 * entry's time), the number of further entries, and the first 16 hex digits of the body's
 * SHA-256: a retry, which repeats the body, is a duplicate, while two different changes to one
 * object in the same second are two events. The type is `object` and the first change's field
 * (`page.leadgen`).
 */
function metaEvents(rawBody: Buffer): ReceivedEvent[] {
  const text = rawBody.toString('utf8');
  const notification = parsed(metaNotification, text, 'a Meta webhook notification');
  const [first, ...more] = notification.entry;
  const digest = createHash('sha256').update(rawBody).digest('hex').slice(0, 16);
  const field = first!.changes?.[0]?.field;
  return [
    {
      providerEventId: `${first!.id}:${first!.time}${more.length > 0 ? `+${more.length}` : ''}#${digest}`,
      eventType: field ? `${notification.object}.${field}` : notification.object,
      payload: text,
    },
  ];
}

/** The events of a verified webhook body, by the provider's scheme; a body that is not one is a 400. */
export function webhookEvents(scheme: SignedScheme, rawBody: Buffer): ReceivedEvent[] {
  if (scheme === 'stripe') return stripeEvents(rawBody);
  if (scheme === 'hubspot_v3') return hubspotEvents(rawBody);
  return metaEvents(rawBody);
}
