import type { FastifyRequest } from 'fastify';
import type pg from 'pg';
import { z } from 'zod';
import { requirePrincipal } from '@bizosaas/auth';
import { withTransaction } from '@bizosaas/db';
import type { NotificationContext } from '../context.ts';

export const TAGS = ['templates'];
export const BASE = '/api/v1/notifications/templates';
export const idParams = z.strictObject({ id: z.uuid() });

/** Runs `work` in one transaction of the caller's tenant (RLS shows only its rows). */
export function inTenant<T>(
  ctx: NotificationContext,
  request: FastifyRequest,
  work: (client: pg.PoolClient, tenantId: string) => Promise<T>,
): Promise<T> {
  const { tenantId } = requirePrincipal(request);
  return withTransaction(ctx.pool, (client) => work(client, tenantId), { tenantId });
}
