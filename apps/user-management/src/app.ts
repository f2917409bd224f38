import {
  createService,
  platformReadiness,
  type PlatformDependencies,
  type PlatformService,
  type ReadinessCheck,
  type ServiceApp,
} from '@bizosaas/service-kit';
import { PrismaClient } from './generated/prisma/client.ts';
import { configSchema, type Config } from './config.ts';
import { apiKeysRoutes } from './api-keys/api-keys.routes.ts';
import { authRoutes } from './auth/auth.routes.ts';
import { createLoginLimiter } from './auth/login-limiter.ts';
import type { IdentityContext } from './context.ts';
import { attachOutboxRelay } from './events/outbox-relay.ts';
import { openApiTags } from './openapi-tags.ts';
import { serviceTokensRoute } from './service-clients/service-tokens.route.ts';
import { sessionsRoutes } from './sessions/sessions.routes.ts';
import { jwksRoute } from './signing-keys/jwks.route.ts';
import { createKeyRing } from './signing-keys/key-ring.ts';
import { createLocalVerifier } from './signing-keys/local-verifier.ts';
import { tenantsRoutes } from './tenants/tenants.routes.ts';
import { usersRoutes } from './users/users.routes.ts';

/** Test seams: a clock for token times and key rotation. */
export interface BuildOptions {
  now?: () => Date;
}

/**
 * The identity service. It verifies bearer tokens with its own key ring (read from PostgreSQL),
 * not with `deps.verifier`, which would fetch the JWKS from itself over HTTP.
 */
export async function buildIdentityApp(
  config: Config,
  deps: PlatformDependencies<PrismaClient>,
  options: BuildOptions = {},
): Promise<ServiceApp> {
  const now = options.now ?? (() => new Date());
  const ring = createKeyRing({
    prisma: deps.prisma,
    kek: Buffer.from(config.SIGNING_KEY_ENCRYPTION_KEY, 'base64'),
    now,
    policy: {
      rotationDays: config.SIGNING_KEY_ROTATION_DAYS,
      publishLeadSeconds: config.SIGNING_KEY_PUBLISH_LEAD_SECONDS,
      maxTokenTtlSeconds: Math.max(
        config.ACCESS_TOKEN_TTL_SECONDS,
        config.API_KEY_TOKEN_TTL_SECONDS,
        config.SERVICE_TOKEN_TTL_SECONDS,
      ),
    },
  });
  const readiness: Record<string, ReadinessCheck> = platformReadiness(deps);
  const app = await createService({
    name: 'user-management',
    description:
      'Tenants, users, roles and permissions (RBAC), JWT access and refresh tokens, sessions and API keys; publishes the JWKS every service verifies with.',
    tags: openApiTags,
    logLevel: config.LOG_LEVEL,
    bodyLimit: config.BODY_LIMIT_BYTES,
    auth: createLocalVerifier(ring, { now }),
    readiness,
    ...(config.TRUST_PROXY_HOPS > 0 && { trustProxy: config.TRUST_PROXY_HOPS }),
  });
  const { notifier, readiness: outboxReadiness } = attachOutboxRelay(app, {
    workerDatabaseUrl: config.WORKER_DATABASE_URL,
    redis: deps.redis,
  });
  // /ready reads this record at each request: the outbox check joins once its pool exists.
  Object.assign(readiness, outboxReadiness);
  const limiter = createLoginLimiter({
    redis: deps.redis,
    prefix: config.LOGIN_LIMIT_KEY_PREFIX,
    maxPerAccount: config.LOGIN_MAX_FAILURES_PER_ACCOUNT,
    maxPerIp: config.LOGIN_MAX_FAILURES_PER_IP,
    windowSeconds: config.LOGIN_LOCKOUT_WINDOW_SECONDS,
  });
  const ctx: IdentityContext = { prisma: deps.prisma, redis: deps.redis, config, ring, notifier, limiter, now };
  jwksRoute(app, ring);
  authRoutes(app, ctx);
  usersRoutes(app, ctx);
  tenantsRoutes(app, ctx);
  sessionsRoutes(app, ctx);
  apiKeysRoutes(app, ctx);
  serviceTokensRoute(app, ctx, config.SERVICE_CLIENTS);
  return app;
}

export const definition: PlatformService<typeof configSchema, PrismaClient> = {
  service: 'user-management',
  schema: 'user_management',
  configSchema,
  createPrisma: (adapter) => new PrismaClient({ adapter }),
  buildApp: (config, deps) => buildIdentityApp(config, deps),
};
