import { z } from 'zod';
import { isSealedValue } from '@bizosaas/event-schemas';
import type { PlatformClient } from '@bizosaas/platform-client';
import type { SendIntent } from './plan-round.ts';

/** notification's transactionId for a send: the enrolment key, so a repeat never sends twice. */
export const transactionIdOf = (campaignId: string, stepId: string, contactId: string) =>
  `campaign:${campaignId}:${stepId}:${contactId}`;

/** A personal value the template may show: a sealed one only its tenant can open is left out. */
const plain = (value: string | null) => (value !== null && !isSealedValue(value) ? value : null);

const result = z.discriminatedUnion('status', [
  z.object({
    transactionId: z.string(),
    status: z.literal('accepted'),
    messages: z.array(z.object({ id: z.uuid(), status: z.string(), reason: z.string().nullable().optional() })),
  }),
  z.object({
    transactionId: z.string(),
    status: z.literal('rejected'),
    error: z.object({ error: z.string(), message: z.string() }),
  }),
]);
const answer = z.object({ results: z.array(result) });
export type SendResult = z.output<typeof result>;

/**
 * One batch trigger to notification for the round's sends (each its own transactionId and
 * data), under the campaign's correlation. Throws PlatformCallError when notification does not
 * answer 202 after its retries: the reserved sends stay and go again in a later round.
 */
export async function sendBatch(
  notification: PlatformClient,
  tenantId: string,
  campaign: { campaignId: string; name: string | null },
  sends: readonly SendIntent[],
  correlationId: string | undefined,
): Promise<Map<string, SendResult>> {
  const triggers = sends.map(({ enrolment, step, address, choice }) => ({
    templateKey: choice.templateKey,
    to: {
      ...(step.channel === 'email' ? { email: address } : { phone: address }),
      ...(enrolment.timezone && { timezone: enrolment.timezone }),
    },
    channels: [step.channel],
    transactionId: transactionIdOf(campaign.campaignId, step.id, enrolment.contactId),
    // The variables every campaign template can use.
    data: {
      firstName: plain(enrolment.firstName),
      lastName: plain(enrolment.lastName),
      email: step.channel === 'email' ? address : plain(enrolment.email),
      contactId: enrolment.contactId,
      campaignId: campaign.campaignId,
      campaignName: campaign.name,
    },
  }));
  const body = await notification.post(
    tenantId,
    '/api/v1/notifications/triggers/batch',
    { triggers },
    202,
    AbortSignal.timeout(30_000),
    correlationId ? { correlationId } : {},
  );
  return new Map(answer.parse(body).results.map((one) => [one.transactionId, one]));
}
