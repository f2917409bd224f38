import type pg from 'pg';
import { outboxBacklog } from '../outbox/outbox-backlog.ts';
import { projectionLag } from '../projections/projection-lag.ts';

type Check = () => Promise<{ details: Record<string, unknown> }>;

/**
 * `/ready` components of a service with an outbox (and projections): `outbox` (rows the relay
 * has not published yet and the age of the oldest) and, unless `projections` is false,
 * `projections` (each one's lag behind the log's head). One cheap statement each. Backlog and
 * lag are information: the checks fail only when PostgreSQL does not answer.
 */
export function writeSideReadiness(
  pool: pg.Pool,
  schema: string,
  options: { projections?: boolean } = {},
): Record<string, Check> {
  const outbox: Check = async () => ({ details: { ...(await outboxBacklog(pool, schema)) } });
  if (options.projections === false) return { outbox };
  return { outbox, projections: async () => ({ details: { projections: await projectionLag(pool, schema) } }) };
}
