import type { PrismaPg } from '@prisma/adapter-pg';
import type { Redis } from 'ioredis';
import { createJwksVerifier, type TokenVerifier } from '@bizosaas/auth';
import { checkDatabase, createPgAdapter, type RawQueryClient } from '@bizosaas/db';
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
  const adapter = createPgAdapter({ databaseUrl: config.DATABASE_URL, poolMax: config.DATABASE_POOL_MAX, schema: options.schema });
  const prisma = options.createPrisma(adapter);
  const redis = createRedis(config.REDIS_URL, { connectionName: service });
  const verifier = createJwksVerifier({ jwksUrl: config.JWKS_URL });
  const close = async () => {
    await Promise.allSettled([redis.quit(), prisma.$disconnect()]);
  };
  return { prisma, redis, verifier, close };
}

/** `/ready` of a database-backed service: PostgreSQL and Redis both answer. */
export function platformReadiness(deps: { prisma: RawQueryClient; redis: Redis }): Record<string, ReadinessCheck> {
  return { postgres: () => checkDatabase(deps.prisma), redis: () => checkRedis(deps.redis) };
}
