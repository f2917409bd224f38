import type { FastifyRequest } from 'fastify';
import { ValidationError } from '@bizosaas/ddd-kernel';

/**
 * The version a replace was decided on: If-Match (`"3"`, `3` or `W/"3"`) or the body's `version`
 * (they must agree when both are sent). One of them is required: a blind replace could undo
 * another user's change unseen.
 */
export function expectedVersionOf(request: FastifyRequest, bodyVersion: number | undefined): number {
  const header = request.headers['if-match'];
  if (typeof header !== 'string' || header.trim() === '') {
    if (bodyVersion !== undefined) return bodyVersion;
    throw new ValidationError('Send the version the change was made on (If-Match or version)', [
      { path: 'version', message: 'required (or an If-Match header)', location: 'body' },
    ]);
  }
  const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(header.trim());
  if (!match)
    throw new ValidationError('If-Match must be a dashboard version such as "3"', [
      { path: 'if-match', message: 'must be "<version>"', location: 'headers' },
    ]);
  const version = Number(match[1]);
  if (bodyVersion !== undefined && bodyVersion !== version)
    throw new ValidationError('If-Match and version disagree', [
      { path: 'version', message: 'differs from If-Match', location: 'body' },
    ]);
  return version;
}
