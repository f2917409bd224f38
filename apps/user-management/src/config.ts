import { z } from 'zod';
import { authEnv, baseServiceEnv, databaseEnv, port, workerDatabaseEnv } from '@bizosaas/config';
import { serviceClientsVariable } from './service-clients/service-clients-config.ts';

const seconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** 32 bytes, base64: the key-encryption key of the signing keys' private halves (AES-256-GCM). */
const encryptionKey = z
  .string()
  .refine((value) => Buffer.from(value, 'base64').length === 32, 'must be 32 bytes, base64-encoded');

export const configSchema = z.object({
  PORT: port(8001),
  ...baseServiceEnv,
  ...databaseEnv,
  ...authEnv,
  /** Cross-tenant role for the outbox relay. */
  ...workerDatabaseEnv,
  /** Required, no default: a private key must never be encrypted under a key everybody knows. */
  SIGNING_KEY_ENCRYPTION_KEY: encryptionKey,
  SIGNING_KEY_ROTATION_DAYS: z.coerce.number().int().positive().default(30),
  /** A new key is published this long before it signs, so verifiers with a cached JWKS can refetch first. */
  SIGNING_KEY_PUBLISH_LEAD_SECONDS: z.coerce.number().int().nonnegative().default(60),
  ACCESS_TOKEN_TTL_SECONDS: seconds(900),
  API_KEY_TOKEN_TTL_SECONDS: seconds(300),
  /** Platform services that may ask for tenant tokens (POST /api/v1/auth/service-tokens); none by default. */
  SERVICE_CLIENTS: serviceClientsVariable,
  SERVICE_TOKEN_TTL_SECONDS: seconds(300),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().positive().default(30),
  INVITATION_TTL_HOURS: z.coerce.number().int().positive().default(72),
  /** Failed sign-ins allowed per account (e-mail) and per client IP within the window before a lockout. */
  LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().positive().default(5),
  LOGIN_MAX_FAILURES_PER_IP: z.coerce.number().int().positive().default(20),
  LOGIN_LOCKOUT_WINDOW_SECONDS: seconds(900),
  /** Redis key prefix of the sign-in counters (tests use their own). */
  LOGIN_LIMIT_KEY_PREFIX: z.string().min(1).default('um:login'),
  /** Hops of proxies (the gateway) whose X-Forwarded-For is believed for the client IP; 0 = none. */
  TRUST_PROXY_HOPS: z.coerce.number().int().nonnegative().default(0),
});

export type Config = z.infer<typeof configSchema>;
