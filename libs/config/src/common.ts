import { z } from 'zod';

/** Variables every service reads. Service configs extend this shape. */
export const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);

export const url = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol.replace(/:$/, ''));
      } catch {
        return false;
      }
    },
    `must be a ${protocols.join(' or ')} URL`,
  );

export const baseServiceEnv = {
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  REDIS_URL: url(['redis', 'rediss']).default('redis://127.0.0.1:6379'),
  BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(1_048_576),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().positive().default(10_000),
};

export const databaseEnv = {
  DATABASE_URL: url(['postgres', 'postgresql']).default(
    'postgresql://bizosaas_app:bizosaas_app@127.0.0.1:5432/bizosaas',
  ),
  DATABASE_POOL_MAX: z.coerce.number().int().positive().default(10),
};

/** The worker role (bizosaas_worker): cross-tenant background work such as outbox relays, projections, retention. */
export const workerDatabaseEnv = {
  WORKER_DATABASE_URL: url(['postgres', 'postgresql']).default(
    'postgresql://bizosaas_worker:bizosaas_worker@127.0.0.1:5432/bizosaas',
  ),
  WORKER_DATABASE_POOL_MAX: z.coerce.number().int().positive().default(5),
};

export const authEnv = {
  /** user-management's key set; tokens are verified against it (keys cached, refetched on an unknown kid). */
  JWKS_URL: url(['http', 'https']).default('http://127.0.0.1:8001/.well-known/jwks.json'),
};
