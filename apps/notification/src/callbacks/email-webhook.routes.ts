import type { Redis } from 'ioredis';
import { z } from 'zod';
import { AppError, NotFoundError, UnauthenticatedError } from '@bizosaas/ddd-kernel';
import { errorResponseSchema } from '@bizosaas/service-kit';
import type { FeatureModule } from '../context.ts';
import { isFreshTimestamp, verifyMailgunSignature } from './mailgun-signature.ts';
import { mailgunReport, mailgunTarget, parseMailgunEvent } from './mailgun-event.ts';
import { recordCallback } from './record-callback.ts';

/** Seen webhook tokens are kept this long: past the oldest timestamp accepted, plus the skew. */
const SEEN_TOKEN_TTL_MS = 10 * 60_000;

const params = z.strictObject({
  provider: z
    .string()
    .regex(/^[\w.-]{1,50}$/)
    .describe('The provider as named in EMAIL_WEBHOOK_SIGNING_KEYS'),
});
const body = z.strictObject({
  signature: z.strictObject({
    timestamp: z.string().max(20).describe('Seconds since the epoch'),
    token: z.string().min(1).max(200).describe('Random, new for every request'),
    signature: z.string().max(200).describe('Hex HMAC-SHA256 of timestamp + token under the signing key'),
  }),
  'event-data': z
    .record(z.string(), z.unknown())
    .describe(
      "Mailgun's event: event (delivered, failed, complained, opened, clicked, ...), severity, recipient, timestamp, user-variables {tenantId, messageId}, delivery-status {code, message, description}, url",
    ),
});
export const callbackAnswer = z.object({
  received: z.literal(true),
  /** false: no such message in the tenant the variables name; nothing was stored. */
  known: z.boolean(),
  recorded: z.array(z.string()).describe('The message events this callback recorded'),
});

const errorShape = (description: string) => ({
  description,
  content: { 'application/json': { schema: errorResponseSchema } },
});

/**
 * Claims a webhook token: true the first time within the TTL. A request whose record then fails
 * deletes its claim, so that the provider's retry of it is processed.
 */
async function claimToken(redis: Redis, key: string): Promise<boolean> {
  return (await redis.set(key, '1', 'PX', SEEN_TOKEN_TTL_MS, 'NX')) === 'OK';
}

/**
 * POST /api/v1/notifications/callbacks/email/:provider, public: an email provider's event webhook
 * in Mailgun's wire format, authenticated by its signature (hex HMAC-SHA256 of timestamp + token
 * under the provider's key from EMAIL_WEBHOOK_SIGNING_KEYS). Refused: a provider without a key
 * (404), a bad signature or a timestamp older than 5 minutes or over a minute ahead (401), a token
 * already received (409: the signature does not cover the event, so a token counts once). The
 * event applies to the message its `user-variables` name, in that tenant; a message the tenant
 * does not have answers 200 with nothing stored, since the provider would only retry an error.
 */
export function emailWebhookFeature(signingKeys: ReadonlyMap<string, string>): FeatureModule {
  return (app, ctx) => {
    app.post(
      '/api/v1/notifications/callbacks/email/:provider',
      {
        config: { auth: 'public' },
        schema: {
          operationId: 'receiveEmailWebhook',
          tags: ['callbacks'],
          summary: "An email provider's signed event: delivered, bounced, complained, opened, clicked",
          params,
          body,
          response: {
            200: callbackAnswer,
            401: errorShape('UNAUTHENTICATED: the signature is wrong, or its timestamp too old or ahead'),
            404: errorShape('NOT_FOUND: no signing key is configured for this provider'),
            409: errorShape('CONFLICT: this webhook token was received before (replay)'),
          },
        },
      },
      async (request) => {
        const { provider } = request.params;
        const key = signingKeys.get(provider);
        if (key === undefined) throw new NotFoundError('No webhook is configured for this provider', { provider });
        const { signature } = request.body;
        if (!verifyMailgunSignature(key, signature)) throw new UnauthenticatedError('The webhook signature is wrong');
        if (!isFreshTimestamp(signature.timestamp, ctx.now()))
          throw new UnauthenticatedError('The webhook timestamp is too old or ahead of time');
        const event = parseMailgunEvent(request.body['event-data']);
        const seen = `notification:webhook-token:${provider}:${signature.token}`;
        if (!(await claimToken(ctx.redis, seen)))
          throw new AppError('CONFLICT', 409, 'This webhook was received before', { provider });
        const target = mailgunTarget(event);
        if (!target) return { received: true as const, known: false, recorded: [] };
        const report = mailgunReport(provider, event, request.body['event-data']);
        const outcome = await recordCallback(ctx, target, report).catch(async (error: unknown) => {
          await ctx.redis.del(seen);
          throw error;
        });
        return { received: true as const, known: outcome.known, recorded: outcome.known ? outcome.recorded : [] };
      },
    );
  };
}
