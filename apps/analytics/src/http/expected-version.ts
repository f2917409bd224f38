import type { FastifyRequest } from 'fastify';
import { ValidationError } from '@bizosaas/ddd-kernel';

export interface ExpectedVersionRule {
  /** The body field that may carry the version instead of If-Match. */
  readonly field: string;
  /** Whether a change without a version is refused: a blind replace could undo another user's change unseen. */
  readonly required: boolean;
  /** What is versioned, for the messages ("dashboard", "funnel"). */
  readonly what: string;
}

/**
 * The version a change was decided on: If-Match (`"3"`, `3` or `W/"3"`; `*` is none) or the body's
 * field (they must agree when both are sent); undefined when neither is sent and none is required.
 */
export function expectedVersionOf(
  request: FastifyRequest,
  bodyVersion: number | undefined,
  rule: ExpectedVersionRule & { required: true },
): number;
export function expectedVersionOf(
  request: FastifyRequest,
  bodyVersion: number | undefined,
  rule: ExpectedVersionRule,
): number | undefined;
export function expectedVersionOf(
  request: FastifyRequest,
  bodyVersion: number | undefined,
  rule: ExpectedVersionRule,
): number | undefined {
  const header = request.headers['if-match']?.trim();
  if (header === undefined || header === '' || header === '*') {
    if (bodyVersion !== undefined || !rule.required) return bodyVersion;
    throw new ValidationError(`Send the version the change was made on (If-Match or ${rule.field})`, [
      { path: rule.field, message: 'required (or an If-Match header)', location: 'body' },
    ]);
  }
  const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(header);
  if (!match)
    throw new ValidationError(`If-Match must be a ${rule.what} version such as "3"`, [
      { path: 'if-match', message: 'must be "<version>"', location: 'headers' },
    ]);
  const version = Number(match[1]);
  if (bodyVersion !== undefined && bodyVersion !== version)
    throw new ValidationError(`If-Match and ${rule.field} disagree`, [
      { path: rule.field, message: 'differs from If-Match', location: 'body' },
    ]);
  return version;
}
