import type pg from 'pg';
import { withTransaction } from '@bizosaas/db';
import { ValidationError } from '@bizosaas/ddd-kernel';
import type { GlobalCheckpoint } from '@bizosaas/event-store';
import type { AnalyticsContext } from '../context.ts';
import { formatPosition, notAfter, parsePosition } from './as-of.ts';

/**
 * Runs a tenant's read as of a client's asOfPosition (or now), in one transaction, and answers
 * with the position it is as of; a position the projections have not reached is refused.
 */
export async function answerAsOf<T>(
  ctx: AnalyticsContext,
  tenantId: string,
  asOfText: string | undefined,
  read: (
    client: pg.PoolClient,
    asOf: GlobalCheckpoint | null,
  ) => Promise<{ result: T; checkpoint: GlobalCheckpoint | null }>,
  /** Where the client sent asOfPosition (a query parameter or a body field). */
  location: 'query' | 'body' = 'query',
): Promise<{ result: T; asOfPosition: string | null }> {
  const asOf = asOfText === undefined ? null : parsePosition(asOfText, 'asOfPosition', location);
  const { result, checkpoint } = await withTransaction(ctx.pool, (client) => read(client, asOf), { tenantId });
  if (asOf && (!checkpoint || !notAfter(asOf, checkpoint)))
    throw new ValidationError('asOfPosition is ahead of what analytics has projected', [
      {
        path: 'asOfPosition',
        message: `not reached yet (now at ${checkpoint ? formatPosition(checkpoint) : 'nothing'})`,
        location,
      },
    ]);
  return { result, asOfPosition: asOf ? formatPosition(asOf) : checkpoint && formatPosition(checkpoint) };
}
