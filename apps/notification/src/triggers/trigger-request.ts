import { IANAZone } from 'luxon';
import { z } from 'zod';
import { notificationChannel } from '@bizosaas/event-schemas';

export const transactionIdSchema = z
  .string()
  .regex(/^[\w.:-]{1,128}$/, 'must be 1-128 letters, digits or . _ : -')
  .describe('The intent: a repeat with the same id sends nothing more and answers the first 202.');

export const templateKeySchema = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, 'must be a template key');

const timezone = z
  .string()
  .refine((zone) => IANAZone.isValidZone(zone), 'must be an IANA time zone such as Europe/Berlin');

export const pushSubscriptionSchema = z.strictObject({
  endpoint: z.url({ protocol: /^https?$/ }).max(2000),
  keys: z.strictObject({ p256dh: z.string().min(1).max(200), auth: z.string().min(1).max(100) }),
});

/** One recipient: a platform user (addresses from the directory) and/or explicit addresses. */
export const recipientSchema = z
  .strictObject({
    userId: z.uuid().optional(),
    email: z.email().max(320).optional(),
    phone: z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +14155550100')
      .optional(),
    pushSubscription: pushSubscriptionSchema.optional(),
    timezone: timezone.optional(),
    locale: z
      .string()
      .regex(/^[a-z]{2,3}(-[A-Z][a-zA-Z]{1,3})?$/, 'must be a locale such as en or de-AT')
      .optional(),
  })
  .refine((to) => Object.keys(to).some((key) => key !== 'timezone' && key !== 'locale'), {
    message: 'needs a userId or an address (email, phone, pushSubscription)',
  });

const digestSchema = z.strictObject({
  key: z.string().min(1).max(200),
  /** Items with this key for one recipient and channel inside the window go out as one message at its end. */
  windowSeconds: z.int().min(1).max(86_400),
});

/** Template variables (the template sees them at the top level). */
export const triggerDataSchema = z
  .record(z.string(), z.unknown())
  // PostgreSQL stores no NUL character in text or jsonb.
  .refine((data) => !JSON.stringify(data).includes('\\u0000'), 'must not contain the NUL character (\\u0000)')
  .default({});

/** Default: every channel the template exists on. */
export const triggerChannelsSchema = z
  .array(notificationChannel)
  .min(1)
  .max(4)
  .refine((list) => new Set(list).size === list.length, 'must not repeat a channel')
  .optional();

const common = {
  templateKey: templateKeySchema,
  data: triggerDataSchema,
  channels: triggerChannelsSchema,
  transactionId: transactionIdSchema.optional(),
  digest: digestSchema.optional(),
};

export const triggerBody = z.strictObject({ ...common, to: recipientSchema });
export const bulkTriggerBody = z.strictObject({ ...common, to: z.array(recipientSchema).min(1).max(1000) });

export type Recipient = z.output<typeof recipientSchema>;
export type TriggerBody = z.output<typeof triggerBody>;

/** A trigger as the pipeline runs it: one template to one or more recipients. */
export interface TriggerInput extends Omit<TriggerBody, 'to'> {
  to: Recipient[];
}

export const messageSummary = z.object({
  id: z.uuid(),
  channel: notificationChannel,
  /** Position of the recipient in the request's `to` (0 for a single trigger). */
  recipient: z.int().min(0),
  status: z.enum(['scheduled', 'digested', 'suppressed']),
  /** Why it was suppressed. */
  reason: z.string().nullable(),
});

export const triggerAccepted = z.object({
  transactionId: transactionIdSchema,
  messages: z.array(messageSummary),
});

export type TriggerAccepted = z.output<typeof triggerAccepted>;
export type MessageSummary = z.output<typeof messageSummary>;
