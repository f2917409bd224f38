import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { FeatureModule } from '../context.ts';
import type { MessageEvent } from '../messages/message-events.ts';
import { SMS_STATUS_CALLBACK_PATH } from './decorate.ts';
import { callbackAnswer } from './email-webhook.routes.ts';
import { recordCallback, type CallbackMessage, type CallbackReport } from './record-callback.ts';
import { acceptTwilioForm, assertSignedByTwilio, twilioForm, twilioWebhookErrors } from './twilio-webhook.ts';

const query = z.strictObject({ tenantId: z.uuid(), messageId: z.uuid() });
const form = twilioForm(
  "Twilio's status callback: MessageSid, MessageStatus (queued, sent, delivered, undelivered, failed, ...), ErrorCode, To, From, AccountSid, ...",
);

/**
 * What a Twilio status means for its message: delivered -> delivered; undelivered or failed ->
 * failed (permanent: the carrier gave up); any other status (queued, sent, ...) is kept as a
 * callback under its own name.
 */
export function twilioReport(params: Readonly<Record<string, string>>, at: Date): CallbackReport {
  const status = params.MessageStatus ?? params.SmsStatus ?? 'unknown';
  const base = { provider: 'twilio', payload: { ...params } };
  if (status === 'delivered')
    return {
      ...base,
      kind: 'delivered',
      events: () => [{ type: 'notification.delivered', data: { provider: 'twilio', at: at.toISOString() } }],
    };
  if (status === 'undelivered' || status === 'failed') {
    const code = params.ErrorCode ? ` (error ${params.ErrorCode})` : '';
    const events = (message: CallbackMessage): MessageEvent[] => [
      {
        type: 'notification.failed',
        data: {
          attempts: Math.max(1, message.attempts),
          permanent: true,
          lastError: `twilio: ${status}${code}`.slice(0, 1000),
        },
      },
    ];
    return { ...base, kind: 'failed', events };
  }
  return { ...base, kind: status.slice(0, 100), events: () => [] };
}

/**
 * POST /api/v1/notifications/callbacks/sms/twilio?tenantId=&messageId=, public: Twilio's status
 * callback of an SMS (form-urlencoded, accepted in this route's scope only), authenticated by
 * X-Twilio-Signature over the URL Twilio requested, which is the one the decorator gave it:
 * PUBLIC_BASE_URL, this path and the query exactly as received. A wrong or missing signature is
 * 401; without TWILIO_AUTH_TOKEN the route answers 404. A message the tenant does not have
 * answers 200 with nothing stored.
 */
export const twilioStatusFeature: FeatureModule = (app, ctx) => {
  void app.register(async (plugin) => {
    acceptTwilioForm(plugin);
    const scope = plugin.withTypeProvider<ZodTypeProvider>();
    scope.post(
      SMS_STATUS_CALLBACK_PATH,
      {
        config: { auth: 'public' },
        schema: {
          operationId: 'receiveTwilioStatus',
          tags: ['callbacks'],
          summary: "Twilio's signed delivery report of an SMS",
          consumes: ['application/x-www-form-urlencoded'],
          querystring: query,
          body: form,
          response: { 200: callbackAnswer, ...twilioWebhookErrors },
        },
      },
      async (request) => {
        assertSignedByTwilio(ctx.config, request);
        const outcome = await recordCallback(ctx, request.query, twilioReport(request.body, ctx.now()));
        return { received: true as const, known: outcome.known, recorded: outcome.known ? outcome.recorded : [] };
      },
    );
  });
};
