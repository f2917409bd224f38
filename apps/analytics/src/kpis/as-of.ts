import { compareLogPositions, type GlobalCheckpoint } from '@bizosaas/event-store';
import { ValidationError } from '@bizosaas/ddd-kernel';

/**
 * `asOfPosition` as clients see it: the projections' place in the analytics log,
 * "<transactionId>:<globalPosition>" (the log is ordered by both; see libs/event-store).
 */
export const formatPosition = (position: GlobalCheckpoint): string =>
  `${position.transactionId}:${position.globalPosition}`;

const POSITION = /^(\d{1,19}):(\d{1,19})$/;

/** Parses a client's asOfPosition; a malformed one is a VALIDATION_ERROR naming the parameter. */
export function parsePosition(
  text: string,
  field = 'asOfPosition',
  location: 'query' | 'body' = 'query',
): GlobalCheckpoint {
  const match = POSITION.exec(text);
  if (!match?.[1] || !match[2])
    throw new ValidationError(`${field} must be "<transactionId>:<globalPosition>" as an answer returned it`, [
      { path: field, message: 'must be "<transactionId>:<globalPosition>"', location },
    ]);
  return { transactionId: match[1], globalPosition: match[2] };
}

/** a <= b in the log's order. */
export const notAfter = (a: GlobalCheckpoint, b: GlobalCheckpoint): boolean => compareLogPositions(a, b) <= 0;
