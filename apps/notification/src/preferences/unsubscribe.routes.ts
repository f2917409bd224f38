import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError } from '@bizosaas/ddd-kernel';
import { errorResponseSchema } from '@bizosaas/service-kit';
import { notificationChannel } from '@bizosaas/event-schemas';
import type { FeatureModule } from '../context.ts';
import type { LinkSigner } from '../links/link-signer.ts';
import type { UnsubscribeLinkPayload } from '../links/link-payload.ts';
import { unsubscribe } from './unsubscribe.ts';
import { confirmationPage, PAGE_HEADERS, unsubscribedPage } from './unsubscribe-page.ts';

const tags = ['preferences'];
const PATH = '/api/v1/notifications/unsubscribe/:token';

const tokenSchema = z.string().min(1).max(4096).describe('The signed token of the link');
const tokenParams = z.strictObject({ token: tokenSchema });
/** RFC 8058 one-click (`List-Unsubscribe=One-Click`), the confirmation page's form, or no body at all. */
const oneClickBody = z.strictObject({ 'List-Unsubscribe': z.literal('One-Click').optional() }).nullish();
const unsubscribedView = z.object({
  unsubscribed: z.literal(true),
  scope: z.enum(['user', 'address']),
  channel: notificationChannel,
  category: z.string(),
});
const html = { schema: z.string().describe('An HTML page') };
const errorShape = (description: string) => ({
  description,
  content: { 'application/json': { schema: errorResponseSchema } },
});
const unknownLink = errorShape('NOT_FOUND: the link is malformed, was changed, or its key was revoked');

/** The headers of an email carrying `url` (RFC 2369 and RFC 8058 one-click). */
export function listUnsubscribeHeaders(url: string): Record<'List-Unsubscribe' | 'List-Unsubscribe-Post', string> {
  return { 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

/** JSON only when the client asks for it and not for HTML: browsers and mail clients get the page. */
function wantsJson(accept: string | undefined): boolean {
  return accept !== undefined && /application\/([\w.-]+\+)?json/.test(accept) && !accept.includes('text/html');
}

async function unsubscribeLink(links: LinkSigner, token: string): Promise<UnsubscribeLinkPayload> {
  const payload = await links.verify(token);
  if (payload?.t !== 'unsub') throw new NotFoundError('Unknown or invalid unsubscribe link');
  return payload;
}

/**
 * GET and POST /api/v1/notifications/unsubscribe/:token, public (the token is the credential; the
 * gateway lets both through without an access token). GET shows what the link stops and a button;
 * only POST unsubscribes (mail scanners follow links). POST takes a form-urlencoded or multipart
 * body (mail clients' one-click) in this route's scope only: the rest of the service stays JSON-only.
 */
export const unsubscribeFeature: FeatureModule = (app, ctx) => {
  const { links } = ctx;

  const showPage = async (token: string, reply: FastifyReply) => {
    const link = await unsubscribeLink(links, token);
    return reply.headers(PAGE_HEADERS).send(confirmationPage(link));
  };
  const oneClick = async (token: string, request: FastifyRequest, reply: FastifyReply) => {
    const link = await unsubscribeLink(links, token);
    const done = await unsubscribe(ctx.pool, link, ctx.now());
    if (wantsJson(request.headers.accept)) return reply.type('application/json').send(done);
    return reply.headers(PAGE_HEADERS).send(unsubscribedPage(link));
  };

  const showSchema = {
    operationId: 'showUnsubscribePage',
    tags,
    summary: 'The page of an unsubscribe link: what it stops, and a button that does it (changes nothing)',
    response: { 200: { description: 'The confirmation page', content: { 'text/html': html } }, 404: unknownLink },
  };
  const postSchema = {
    operationId: 'unsubscribe',
    tags,
    summary: "Unsubscribe (RFC 8058 one-click, or the page's button); repeating it answers the same",
    description:
      "A user's link turns their choice for the category and channel off; a link to an address suppresses the address on the channel. Answers the page, or JSON when Accept asks for JSON and not HTML.",
    consumes: ['application/x-www-form-urlencoded', 'multipart/form-data', 'application/json'],
    body: oneClickBody,
    response: {
      200: {
        description: 'Unsubscribed',
        content: { 'text/html': html, 'application/json': { schema: unsubscribedView } },
      },
      404: unknownLink,
      415: errorShape('UNSUPPORTED_MEDIA_TYPE: the body is not form-urlencoded, multipart or JSON'),
    },
  };
  const config = { auth: 'public' } as const;

  void app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<ZodTypeProvider>();
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    });
    // The token alone says what to unsubscribe: a multipart body is read (within the body limit) and ignored.
    scope.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, (_request, _body, done) => {
      done(null, {});
    });

    scope.get(PATH, { config, schema: { ...showSchema, params: tokenParams } }, (request, reply) =>
      showPage(request.params.token, reply),
    );
    scope.post(PATH, { config, schema: { ...postSchema, params: tokenParams } }, (request, reply) =>
      oneClick(request.params.token, request, reply),
    );
  });
};
