import { z } from 'zod';
import { defineEvent } from '../define-event.ts';
import { sensitive } from '../sensitive.ts';

// One message is one aggregate (aggregateType notification, aggregateId = message id): one
// recipient on one channel. requested -> suppressed | scheduled -> sent -> delivered / opened /
// clicked / bounced, or -> failed after the last retry.

export const notificationChannel = z.enum(['email', 'sms', 'push', 'in_app']);

/** Where a preference value in force came from, most specific first. */
export const preferenceSource = z.enum(['critical', 'category', 'channel', 'template_default']);

const transactionId = z.string().regex(/^[\w.:-]{1,128}$/, 'must be 1-128 letters, digits or . _ : -');
const providerName = z.string().min(1).max(100);
const templateKey = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,99}$/);

/**
 * Why a message was (or was not) allowed on its channel, recorded when it was requested: the
 * decision, the level it came from, and the value at every level at that moment (null: no
 * explicit choice there).
 */
const preferenceDecision = z.object({
  enabled: z.boolean(),
  source: preferenceSource,
  category: z.string().min(1).max(100),
  values: z.object({
    critical: z.boolean(),
    category: z.boolean().nullable(),
    channel: z.boolean().nullable(),
    templateDefault: z.boolean(),
  }),
});

/** What caused the request: an API call, or a platform event through a rule. */
const trigger = z.object({
  source: z.enum(['api', 'bulk', 'event']),
  eventId: z.uuid().optional(),
  eventType: z.string().min(1).max(100).optional(),
  ruleId: z.uuid().optional(),
});

export const notificationRequested = defineEvent({
  type: 'notification.requested',
  aggregateType: 'notification',
  description: 'A message to one recipient on one channel was asked for (by a trigger, a bulk trigger or a rule).',
  data: z.object({
    transactionId,
    channel: notificationChannel,
    templateKey,
    templateVersion: z.int().min(1),
    critical: z.boolean(),
    userId: z.uuid().nullable(),
    /** The email address, phone number or push endpoint the message goes to; null for in-app. */
    address: sensitive(z.string().min(1).max(2000)).nullable(),
    trigger,
    preference: preferenceDecision,
    digestKey: z.string().min(1).max(200).nullable(),
  }),
  example: {
    transactionId: 'order-1234',
    channel: 'email',
    templateKey: 'welcome',
    templateVersion: 1,
    critical: false,
    userId: '0192f5a4-2c3d-7e4f-8a50-617283940a1b',
    address: 'jane.doe@example.com',
    trigger: { source: 'api' },
    preference: {
      enabled: true,
      source: 'template_default',
      category: 'onboarding',
      values: { critical: false, category: null, channel: null, templateDefault: true },
    },
    digestKey: null,
  },
});

export const notificationSuppressed = defineEvent({
  type: 'notification.suppressed',
  aggregateType: 'notification',
  description: 'A requested message will not be sent; `reason` says why.',
  data: z.object({
    reason: z.enum(['preference', 'unsubscribed', 'bounced', 'complained', 'no_address', 'cancelled']),
    detail: z.string().max(500),
  }),
  example: { reason: 'preference', detail: 'email is off for category marketing (category preference)' },
});

export const notificationScheduled = defineEvent({
  type: 'notification.scheduled',
  aggregateType: 'notification',
  description: 'A message is queued for sending at `scheduledFor` (now, after quiet hours, or with its digest).',
  data: z.object({
    scheduledFor: z.iso.datetime({ offset: true }),
    reason: z.enum(['immediate', 'quiet_hours', 'digest']),
    /** For a digest item: the digest message that carries it. */
    digestMessageId: z.uuid().nullable(),
  }),
  example: { scheduledFor: '2026-12-06T08:00:00.000Z', reason: 'quiet_hours', digestMessageId: null },
});

export const notificationSent = defineEvent({
  type: 'notification.sent',
  aggregateType: 'notification',
  description: 'A provider accepted the message.',
  data: z.object({
    provider: providerName,
    providerMessageId: z.string().max(500).nullable(),
    attempt: z.int().min(1),
    latencyMs: z.int().min(0),
  }),
  example: { provider: 'smtp-1', providerMessageId: '<0192f5a4@bizosaas>', attempt: 1, latencyMs: 12 },
});

/** A provider's or recipient's report after sending (delivery receipt, tracking pixel, link). */
const receipt = z.object({ provider: providerName.nullable(), at: z.iso.datetime({ offset: true }) });

export const notificationDelivered = defineEvent({
  type: 'notification.delivered',
  aggregateType: 'notification',
  description: 'The provider reported the message delivered (or the in-app inbox stored it).',
  data: receipt,
  example: { provider: 'twilio', at: '2026-12-06T08:00:02.000Z' },
});

export const notificationOpened = defineEvent({
  type: 'notification.opened',
  aggregateType: 'notification',
  description: 'The recipient opened the message (tracking pixel or inbox read).',
  data: receipt,
  example: { provider: null, at: '2026-12-06T08:05:00.000Z' },
});

export const notificationClicked = defineEvent({
  type: 'notification.clicked',
  aggregateType: 'notification',
  description: 'The recipient followed a tracked link of the message.',
  data: receipt.extend({ url: z.url({ protocol: /^https?$/ }) }),
  example: { provider: null, at: '2026-12-06T08:06:00.000Z', url: 'https://example.com/offer' },
});

export const notificationBounced = defineEvent({
  type: 'notification.bounced',
  aggregateType: 'notification',
  description: 'The message bounced or drew a complaint; the address is suppressed for the tenant.',
  data: z.object({
    provider: providerName,
    bounceType: z.enum(['hard', 'soft', 'complaint']),
    diagnostic: z.string().max(1000),
    at: z.iso.datetime({ offset: true }),
  }),
  example: {
    provider: 'smtp-1',
    bounceType: 'hard',
    diagnostic: '550 5.1.1 mailbox unavailable',
    at: '2026-12-06T08:00:03.000Z',
  },
});

export const notificationFailed = defineEvent({
  type: 'notification.failed',
  aggregateType: 'notification',
  description: 'Every provider refused the message, or its retries ran out; it is dead-lettered.',
  data: z.object({
    attempts: z.int().min(1),
    permanent: z.boolean(),
    lastError: z.string().max(1000),
  }),
  example: { attempts: 5, permanent: false, lastError: 'smtp-1: connect ECONNREFUSED; smtp-2: 421 try later' },
});
