import type { FastifyRequest } from 'fastify';
import type pg from 'pg';
import { requirePrincipal } from '@bizosaas/auth';
import { withTransaction } from '@bizosaas/db';

/** Runs `work` in one transaction of the caller's tenant (RLS shows only its rows). */
export function inTenant<T>(
  pool: pg.Pool,
  request: FastifyRequest,
  work: (client: pg.PoolClient, tenantId: string) => Promise<T>,
): Promise<T> {
  const { tenantId } = requirePrincipal(request);
  return withTransaction(pool, (client) => work(client, tenantId), { tenantId });
}
