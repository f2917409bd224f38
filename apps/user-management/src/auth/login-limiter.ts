import type { Redis } from 'ioredis';
import { RateLimitedError } from '@bizosaas/ddd-kernel';
import { sha256 } from '../tokens/opaque-token.ts';

export interface LoginLimiterOptions {
  redis: Redis;
  prefix: string;
  maxPerAccount: number;
  maxPerIp: number;
  windowSeconds: number;
}

/** Failed sign-ins counted per account and per client IP; at the limit, sign-in is refused until the window ends. */
export interface LoginLimiter {
  /** RATE_LIMITED (429, Retry-After) when the account or the IP is locked out. */
  assertAllowed(email: string, ip: string): Promise<void>;
  recordFailure(email: string, ip: string): Promise<void>;
  /** A successful sign-in clears the account's count (not the IP's: one good password must not unlock a spraying IP). */
  clear(email: string): Promise<void>;
}

/**
 * Redis counters with expiry: the first failure starts the window (EXPIRE NX), so a locked
 * account stays locked until the window that reached the limit ends. E-mails are hashed in the
 * key names, so Redis holds no addresses.
 */
export function createLoginLimiter({
  redis,
  prefix,
  maxPerAccount,
  maxPerIp,
  windowSeconds,
}: LoginLimiterOptions): LoginLimiter {
  const accountKey = (email: string) => `${prefix}:account:${sha256(email.toLowerCase())}`;
  const ipKey = (ip: string) => `${prefix}:ip:${ip}`;

  return {
    async assertAllowed(email, ip) {
      const keys = [accountKey(email), ipKey(ip)];
      const reply = await redis.multi().get(keys[0]!).pttl(keys[0]!).get(keys[1]!).pttl(keys[1]!).exec();
      const [accountCount, accountTtl, ipCount, ipTtl] = (reply ?? []).map(([, value]) => value) as [
        string | null,
        number,
        string | null,
        number,
      ];
      if (Number(accountCount ?? 0) >= maxPerAccount) throw locked(accountTtl, 'account');
      if (Number(ipCount ?? 0) >= maxPerIp) throw locked(ipTtl, 'ip');
    },
    async recordFailure(email, ip) {
      const account = accountKey(email);
      const client = ipKey(ip);
      await redis
        .multi()
        .incr(account)
        .expire(account, windowSeconds, 'NX')
        .incr(client)
        .expire(client, windowSeconds, 'NX')
        .exec();
    },
    async clear(email) {
      await redis.del(accountKey(email));
    },
  };
}

function locked(ttlMs: number, scope: 'account' | 'ip'): RateLimitedError {
  return new RateLimitedError(Math.max(1, Math.ceil(ttlMs / 1000)), { reason: 'too_many_failed_logins', scope });
}
