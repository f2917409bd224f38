import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { NotFoundError } from '@bizosaas/ddd-kernel';
import { errorResponseSchema } from '@bizosaas/service-kit';
import type { FeatureModule, NotificationContext } from '../context.ts';
import type { TrackingLinkPayload } from '../links/link-payload.ts';
import { recordCallback } from './record-callback.ts';
import { MAX_TOKEN_LENGTH } from './tracked-html.ts';

const tags = ['callbacks'];
const PREFIX = '/api/v1/notifications/track/';

/** A 1x1 transparent GIF (GIF89a, one transparent palette entry). */
export const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

const token = z.string().min(1).max(MAX_TOKEN_LENGTH).describe('The signed token of the link');
const tokenParams = z.strictObject({ token });
// The token is in the URL: it is never sent on as a referrer nor kept in a cache.
const PRIVATE = { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' };

/**
 * Records an open or a click in the link's tenant. Best effort: a recipient's image or link works
 * whatever happens to the record, so a failure is logged, not answered. A HEAD request (link
 * checkers) records nothing.
 */
async function record(ctx: NotificationContext, request: FastifyRequest, link: TrackingLinkPayload): Promise<void> {
  if (request.method === 'HEAD') return;
  const at = ctx.now().toISOString();
  const userAgent = request.headers['user-agent']?.slice(0, 500) ?? null;
  const url = link.url;
  const report =
    link.t === 'click' && url !== undefined
      ? {
          kind: 'clicked',
          payload: { url, userAgent },
          events: () => [{ type: 'notification.clicked' as const, data: { provider: null, at, url } }],
        }
      : {
          kind: 'opened',
          payload: { userAgent },
          events: () => [{ type: 'notification.opened' as const, data: { provider: null, at } }],
        };
  const target = { tenantId: link.tenantId, messageId: link.messageId };
  await recordCallback(ctx, target, { provider: 'tracking', ...report }).catch((error: unknown) =>
    request.log.error({ err: error, messageId: link.messageId }, 'recording a tracking hit failed'),
  );
}

/**
 * GET /api/v1/notifications/track/open/:token and /track/click/:token, public (the signed token is
 * the credential). An open answers the pixel whatever the token (an email never shows a broken
 * image) and records `notification.opened` only for a valid open token; a click redirects (302)
 * to the URL its token carries and records `notification.clicked`, and answers 404 for a token
 * that is malformed, changed, revoked or not a click's. The message's lifecycle decides what is
 * recorded (one open, every click, nothing once bounced); every valid hit of a known message is
 * kept as a callback row (provider `tracking`).
 */
export const trackingFeature: FeatureModule = (app, ctx) => {
  const { links } = ctx;
  const verify = async (text: string, kind: 'open' | 'click') => {
    const link = await links.verify(text);
    return link?.t === kind ? link : null;
  };

  const open = async (text: string, request: FastifyRequest, reply: FastifyReply) => {
    const link = await verify(text, 'open');
    if (link) await record(ctx, request, link);
    return reply.headers({ ...PRIVATE, 'content-type': 'image/gif' }).send(PIXEL);
  };
  const click = async (text: string, request: FastifyRequest, reply: FastifyReply) => {
    const link = await verify(text, 'click');
    if (!link?.url) throw new NotFoundError('Unknown or invalid tracking link');
    await record(ctx, request, link);
    return reply.headers(PRIVATE).redirect(link.url, 302);
  };

  const openSchema = {
    operationId: 'trackOpen',
    tags,
    summary: "The open-tracking pixel of an email: records the message's first open",
    description: 'Answers a 1x1 transparent GIF whatever the token; only a valid open token records anything.',
    response: { 200: { description: 'A 1x1 transparent GIF', content: { 'image/gif': { schema: z.string() } } } },
  };
  const clickSchema = {
    operationId: 'trackClick',
    tags,
    summary: 'A tracked link of an email: records the click and redirects to the link target',
    response: {
      302: {
        description: "Redirect to the link's target (Location)",
        content: { 'text/plain': { schema: z.string() } },
      },
      404: {
        description: 'NOT_FOUND: the link is malformed, was changed, or its key was revoked',
        content: { 'application/json': { schema: errorResponseSchema } },
      },
    },
  };
  const config = { auth: 'public' } as const;

  app.get(`${PREFIX}open/:token`, { config, schema: { ...openSchema, params: tokenParams } }, (request, reply) =>
    open(request.params.token, request, reply),
  );
  app.get(`${PREFIX}click/:token`, { config, schema: { ...clickSchema, params: tokenParams } }, (request, reply) =>
    click(request.params.token, request, reply),
  );
};
