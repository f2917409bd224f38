import type { Redis } from 'ioredis';
import type { OutboxNotifier } from '@bizosaas/event-store';
import type { Config } from './config.ts';
import type { PrismaClient } from './generated/prisma/client.ts';
import type { LoginLimiter } from './auth/login-limiter.ts';
import type { KeyRing } from './signing-keys/key-ring.ts';

/** What the use cases of this service run with; built once in buildApp and passed to every route plugin. */
export interface IdentityContext {
  prisma: PrismaClient;
  redis: Redis;
  config: Config;
  ring: KeyRing;
  notifier: OutboxNotifier;
  limiter: LoginLimiter;
  now: () => Date;
}

/** Who asked, from where: stored on sessions and stamped on events. */
export interface RequestMeta {
  correlationId: string;
  ip: string;
  userAgent: string | undefined;
}
