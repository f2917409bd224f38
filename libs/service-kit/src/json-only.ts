import type { FastifyInstance } from 'fastify';

// application/json is parsed by Fastify itself; structured-syntax types (RFC 6839) are JSON too.
const JSON_SUFFIX = /^application\/[\w.-]+\+json$/;

/**
 * JSON routes read JSON only: Fastify's text/plain parser is removed, so text/plain, another type
 * or a body without a content type answers 415 UNSUPPORTED_MEDIA_TYPE (error-handler.ts) instead
 * of reaching the schema as a string. A plugin that proxies raw bodies adds its own parsers.
 */
export function acceptJsonOnly(app: FastifyInstance): void {
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser(JSON_SUFFIX, { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));
}
