// Shared by the gateway's integration tests: real upstream apps on ephemeral ports, a real
// Redis with a key prefix of the test file's own, and tokens signed by a test key.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createJwksVerifier, type AccessTokenClaims } from '@bizosaas/auth';
import { generateSigningKey, jwksOf, signTestToken, testClaims, type TestSigningKey } from '@bizosaas/auth/testing';
import { loadConfig } from '@bizosaas/config';
import { deleteNamespace, testRedis } from '@bizosaas/messaging/testing';
import { createService, type ServiceApp } from '@bizosaas/service-kit';
import { buildApp } from '../app.ts';
import { configSchema } from '../config.ts';
import type { Route } from '../route-table.ts';

export const CLOSED_URL = 'http://127.0.0.1:9';

const SERVICE_URL_VARIABLES = [
  'AI_AGENTS_URL',
  'USER_MANAGEMENT_URL',
  'CAMPAIGN_URL',
  'ANALYTICS_URL',
  'INTEGRATION_URL',
  'NOTIFICATION_URL',
  'EVENT_BUS_URL',
  'DOMAIN_REPOSITORY_URL',
];

export interface EchoService {
  app: ServiceApp;
  url: string;
  /** Requests that reached this upstream. */
  hits(): number;
}

/** An upstream that answers every /api/v1 and /.well-known request with what it received. */
export async function echoService(name: string, extend?: (app: ServiceApp) => void): Promise<EchoService> {
  let hits = 0;
  const app = await createService({ name, logLevel: 'silent' });
  const echo = async (request: { method: string; url: string; headers: unknown; body?: unknown }) => {
    hits += 1;
    return {
      service: name,
      method: request.method,
      url: request.url,
      headers: request.headers,
      body: request.body ?? null,
    };
  };
  app.all('/api/v1/*', echo);
  app.get('/.well-known/jwks.json', echo);
  extend?.(app);
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url, hits: () => hits };
}

export interface TestGateway {
  gateway: ServiceApp;
  key: TestSigningKey;
  /** A token for these claims (defaults: a fresh member of a fresh tenant, plan absent = free). */
  token(claims?: Partial<AccessTokenClaims>): Promise<string>;
  bearer(claims?: Partial<AccessTokenClaims>): Promise<{ authorization: string }>;
  redis: Redis;
  /** This gateway's rate-limit key prefix. */
  prefix: string;
  close(): Promise<void>;
}

/**
 * Builds the gateway against the given upstream URLs (every other service points at a closed
 * port) with its own Redis key prefix; `env` overrides any configuration variable.
 */
export async function startTestGateway(options: {
  upstreams?: Record<string, string>;
  env?: Record<string, string>;
  table?: readonly Route[];
  redis?: Redis;
}): Promise<TestGateway> {
  const key = await generateSigningKey('EdDSA');
  const prefix = `test:gateway:${randomUUID().slice(0, 8)}:ratelimit:`;
  const redis = options.redis ?? testRedis('api-gateway');
  const config = loadConfig(configSchema, {
    ...Object.fromEntries(SERVICE_URL_VARIABLES.map((name) => [name, CLOSED_URL])),
    ...options.upstreams,
    LOG_LEVEL: 'silent',
    HEALTH_TIMEOUT_MS: '500',
    RATE_LIMIT_PREFIX: prefix,
    ...options.env,
  });
  const gateway = await buildApp({
    config,
    verifier: createJwksVerifier({ jwks: jwksOf(key) }),
    redis,
    ...(options.table && { table: options.table }),
  });
  await gateway.ready();
  const token = (claims: Partial<AccessTokenClaims> = {}) => signTestToken(key, testClaims(claims));
  return {
    gateway,
    key,
    token,
    bearer: async (claims = {}) => ({ authorization: `Bearer ${await token(claims)}` }),
    redis,
    prefix,
    async close() {
      await gateway.close();
      if (redis.status === 'ready') await deleteNamespace(redis, prefix);
      redis.disconnect();
    },
  };
}
