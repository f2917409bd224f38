import type { ProviderDefinition } from '../providers/provider.ts';

export interface TokenTimes {
  /** When the access token expires; null when the provider gave no lifetime. */
  accessExpiresAt: Date | null;
  /** When the credentials were last obtained (grant or refresh). */
  refreshedAt: Date | null;
}

/**
 * A token is refreshed `aheadMs` before it expires, and at least every `everyMs` whatever its
 * lifetime (a refresh token that is never used may lapse at the provider).
 */
export function refreshDue(times: TokenTimes, rule: ProviderDefinition['refresh'], now: Date): boolean {
  const at = now.getTime();
  if (times.accessExpiresAt !== null && times.accessExpiresAt.getTime() - rule.aheadMs <= at) return true;
  return times.refreshedAt === null || times.refreshedAt.getTime() + rule.everyMs <= at;
}

/** The access token can no longer be used. */
export function accessExpired(times: Pick<TokenTimes, 'accessExpiresAt'>, now: Date): boolean {
  return times.accessExpiresAt !== null && times.accessExpiresAt.getTime() <= now.getTime();
}
