import { z } from 'zod';
import { notificationChannel } from '@bizosaas/event-schemas';
import { categoryNameSchema } from '../preferences/preference-document.ts';

// What a signed link carries, told apart by `t` (its kind). Short keys keep links short; a
// payload of one kind is never accepted where another is expected.

/** Unsubscribes a user (their category x channel choice) or, without a user, an address. */
export const unsubscribeLinkPayload = z
  .strictObject({
    t: z.literal('unsub'),
    tenantId: z.uuid(),
    userId: z.uuid().optional(),
    address: z.string().min(1).max(2000).optional(),
    channel: notificationChannel,
    category: categoryNameSchema,
    messageId: z.uuid().optional(),
  })
  .refine((payload) => payload.userId !== undefined || payload.address !== undefined, {
    message: 'needs a userId or an address',
  });

/** An open (pixel) or a click (redirect to `url`) of a message. */
export const trackingLinkPayload = z.strictObject({
  t: z.enum(['open', 'click']),
  tenantId: z.uuid(),
  messageId: z.uuid(),
  url: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .optional(),
});

export const linkPayload = z.union([unsubscribeLinkPayload, trackingLinkPayload]);

export type UnsubscribeLinkPayload = z.output<typeof unsubscribeLinkPayload>;
export type TrackingLinkPayload = z.output<typeof trackingLinkPayload>;
export type LinkPayload = z.output<typeof linkPayload>;
