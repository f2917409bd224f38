import { z } from 'zod';
import { ValidationError } from '@bizosaas/ddd-kernel';

/**
 * The cursor of a list paged newest first by (created_at, id): the last row's pair, opaque to
 * clients. Its rows come after it by `(created_at, id) < ($at, $id)`.
 */
export const encodeCursor = (createdAt: Date | string, id: string): string =>
  Buffer.from(`${new Date(createdAt).toISOString()}|${id}`).toString('base64url');

/** [createdAt, id] of a cursor; anything else is a VALIDATION_ERROR naming `cursor`. */
export function decodeCursor(cursor: string): [string, string] {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (!at || !id || Number.isNaN(Date.parse(at)) || !z.uuid().safeParse(id).success)
    throw new ValidationError('Bad cursor', [
      { path: 'cursor', message: 'is not a cursor of this list', location: 'query' },
    ]);
  return [at, id];
}
