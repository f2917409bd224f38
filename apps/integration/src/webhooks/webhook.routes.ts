import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponseSchema } from '@bizosaas/service-kit';
import type { FeatureModule } from '../context.ts';
import { createWebhookReceiver } from './receive-webhook.ts';

export const WEBHOOK_PATH = '/api/v1/webhooks/:provider/:connectionId';

/** The largest payload integration.webhook_received carries (its schema's limit, in characters). */
const MAX_WEBHOOK_BYTES = 500_000;

const params = z.strictObject({
  provider: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,49}$/)
    .describe('The provider key (stripe, hubspot, meta_ads, or a tenant-defined provider)'),
  connectionId: z.uuid().describe('The connection the webhook is for'),
});
const rawBody = z
  .custom<Buffer>((value) => Buffer.isBuffer(value), 'must be the raw body')
  .describe("The provider's event as it sent it (JSON); its signature covers these exact bytes");
const receipt = z.object({
  received: z.literal(true),
  /** True when the provider's event id was received before: nothing was stored or published again. */
  duplicate: z.boolean(),
});
const errorShape = (description: string) => ({
  description,
  content: { 'application/json': { schema: errorResponseSchema } },
});

/**
 * POST /api/v1/webhooks/:provider/:connectionId, public (the provider's signature is the
 * credential; the gateway lets it through without a token). The body is kept as the bytes that
 * arrived, by a JSON parser of this route's scope only, since signatures cover those bytes; the
 * rest of the service parses JSON as usual. A signed event is answered as soon as it and its
 * integration.webhook_received are committed; the outbox relay publishes it.
 */
export const webhookRoutes: FeatureModule = (app, ctx) => {
  const base = ctx.config.PUBLIC_BASE_URL.replace(/\/+$/, '');
  const bodyLimit = Math.min(ctx.config.BODY_LIMIT_BYTES, MAX_WEBHOOK_BYTES);
  const receiveWebhook = createWebhookReceiver(ctx);
  void app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<ZodTypeProvider>();
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit }, (_request, body, done) => {
      done(null, body);
    });
    scope.post(
      WEBHOOK_PATH,
      {
        config: { auth: 'public' },
        bodyLimit,
        schema: {
          operationId: 'receiveWebhook',
          tags: ['webhooks'],
          summary: "A provider's signed webhook: verified, stored once per event id, published",
          description:
            'Stripe (Stripe-Signature, 300 s tolerance), HubSpot (X-HubSpot-Signature-v3 over method, public URL, body and timestamp, 5 minutes) and Meta (X-Hub-Signature-256). Each new event is stored and published as integration.webhook_received; a repeated event id answers duplicate true and changes nothing.',
          consumes: ['application/json'],
          params,
          body: rawBody,
          response: {
            200: receipt,
            401: errorShape('UNAUTHENTICATED: the signature is missing or wrong, or its timestamp out of tolerance'),
            404: errorShape(
              'NOT_FOUND: no connection of this provider with this id, or the provider takes no webhooks',
            ),
            503: errorShape(
              "SERVICE_UNAVAILABLE: the connection's credentials changed under each check of the signature; the provider retries",
            ),
          },
        },
      },
      async (request) => {
        const { provider, connectionId } = request.params;
        const { duplicate } = await receiveWebhook(
          {
            provider,
            connectionId,
            method: request.method,
            url: base + request.url,
            headers: request.headers,
            rawBody: request.body,
          },
          request.log,
        );
        return { received: true as const, duplicate };
      },
    );
  });
};
