import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { FeatureModule } from '../context.ts';
import { smsReplyOf } from './sms-reply.ts';
import { applySmsReply } from './sms-reply-suppressions.ts';
import { acceptTwilioForm, assertSignedByTwilio, twilioForm, twilioWebhookErrors } from './twilio-webhook.ts';

/**
 * Where Twilio posts the messages people send to the platform's number (the number's "A message
 * comes in" webhook). One segment after `sms/`, as the gateway's public callback pattern
 * (`callbacks/:channel/:provider`) lets through without a token.
 */
export const SMS_INBOUND_PATH = '/api/v1/notifications/callbacks/sms/twilio-inbound';

/** The URL to set on the Twilio number: the exact URL its signature will cover. */
export function smsInboundUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${SMS_INBOUND_PATH}`;
}

/** Empty TwiML: Twilio sends nothing on our behalf (its own STOP/START confirmations still go). */
export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

const form = twilioForm(
  "Twilio's inbound message: From, To, Body, MessageSid, AccountSid, OptOutType (STOP, START or HELP, set by Advanced Opt-Out), NumMedia, FromCity, ...",
);

/**
 * POST /api/v1/notifications/callbacks/sms/twilio-inbound, public: a message someone sent to the
 * platform's Twilio number, authenticated like the status callback (X-Twilio-Signature over
 * PUBLIC_BASE_URL + the URL as received; 401 when wrong or missing, 404 without
 * TWILIO_AUTH_TOKEN). An opt-out (STOP, ...) to TWILIO_FROM suppresses the number in every tenant
 * that texted it, an opt-in (START, ...) lifts its unsubscribed suppressions
 * (sms-reply-suppressions.ts); anything else, or a message to another number, changes nothing.
 * Answers empty TwiML: no reply of ours.
 */
export const twilioInboundFeature: FeatureModule = (app, ctx) => {
  void app.register(async (plugin) => {
    acceptTwilioForm(plugin);
    const scope = plugin.withTypeProvider<ZodTypeProvider>();
    scope.post(
      SMS_INBOUND_PATH,
      {
        config: { auth: 'public' },
        schema: {
          operationId: 'receiveTwilioInboundSms',
          tags: ['callbacks'],
          summary: "Twilio's signed inbound SMS: STOP and START replies suppress or release the number",
          consumes: ['application/x-www-form-urlencoded'],
          body: form,
          response: {
            200: {
              description: 'Empty TwiML (<Response/>): no reply is sent',
              content: { 'text/xml': { schema: z.string() } },
            },
            ...twilioWebhookErrors,
          },
        },
      },
      async (request, reply) => {
        assertSignedByTwilio(ctx.config, request);
        const sms = smsReplyOf(request.body, ctx.config.TWILIO_FROM);
        if (sms) {
          const tenants = await applySmsReply(ctx.worker, sms, ctx.now());
          request.log.info({ messageSid: request.body.MessageSid, kind: sms.kind, tenants }, 'SMS reply applied');
        }
        return reply.type('text/xml; charset=utf-8').send(EMPTY_TWIML);
      },
    );
  });
};
