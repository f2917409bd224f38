import type { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';
import type { Redis } from 'ioredis';
import { cachingVerifier, createJwksVerifier, type TokenVerifier } from '@bizosaas/auth';
import { checkDatabase, createPgAdapter, createPgPool, type RawQueryClient } from '@bizosaas/db';
import { checkRedis, createRedis } from '@bizosaas/messaging';
import type { ReadinessCheck } from './probes.ts';

export interface PlatformConfig {
  DATABASE_URL: string;
  DATABASE_POOL_MAX: number;
  REDIS_URL: string;
  JWKS_URL: string;
}

export interface PlatformDependencies<P> {
  prisma: P;
  /** The pool under `prisma` (main.ts); readiness probes use it when given (see platformReadiness). */
  database?: pg.Pool;
  redis: Redis;
  verifier: TokenVerifier;
}

/**
 * The connections every database-backed service opens in main.ts: its Prisma client on its own
 * schema (as the non-owner app role), Redis, and the JWKS verifier. `close` ends them in
 * `onClose`, after in-flight requests have drained.
 */
export function connectPlatform<P extends RawQueryClient & { $disconnect(): Promise<void> }>(options: {
  service: string;
  schema: string;
  config: PlatformConfig;
  createPrisma: (adapter: PrismaPg) => P;
}): PlatformDependencies<P> & { close(): Promise<void> } {
  const { config, service } = options;
  const poolOptions = { databaseUrl: config.DATABASE_URL, poolMax: config.DATABASE_POOL_MAX, schema: options.schema };
  const database = createPgPool(poolOptions);
  const prisma = options.createPrisma(createPgAdapter(poolOptions, database));
  const redis = createRedis(config.REDIS_URL, { connectionName: service });
  const verifier = cachingVerifier(createJwksVerifier({ jwksUrl: config.JWKS_URL }), { maxEntries: 10_000 });
  const close = async () => {
    // $disconnect ends the pool once Prisma has used it; a pool only probes used is ended here.
    await Promise.allSettled([
      redis.quit(),
      prisma.$disconnect().then(() => (database.ended ? undefined : database.end())),
    ]);
  };
  return { prisma, database, redis, verifier, close };
}

/**
 * `/ready` of a database-backed service: PostgreSQL and Redis both answer. PostgreSQL is asked
 * through the raw pool when there is one, so an idle service never loads Prisma's query compiler.
 */
export function platformReadiness(deps: {
  prisma: RawQueryClient;
  database?: pg.Pool | undefined;
  redis: Redis;
}): Record<string, ReadinessCheck> {
  return { postgres: () => checkDatabase(deps.database ?? deps.prisma), redis: () => checkRedis(deps.redis) };
}
