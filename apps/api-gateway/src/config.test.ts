import { describe, expect, it } from 'vitest';
import { loadConfig } from '@bizosaas/config';
import { PLAN_LIMIT_DEFAULTS, configSchema, planLimitsFrom } from './config.ts';

describe('gateway configuration', () => {
  it('has a limit for every plan, growing with the plan, and the JWKS of user-management by default', () => {
    const config = loadConfig(configSchema, {});
    expect(planLimitsFrom(config)).toEqual(PLAN_LIMIT_DEFAULTS);
    const { free, starter, professional, enterprise } = PLAN_LIMIT_DEFAULTS;
    expect(free < starter && starter < professional && professional < enterprise).toBe(true);
    expect(config.JWKS_URL).toBe('http://127.0.0.1:8001/.well-known/jwks.json');
    expect(config.TRUST_PROXY_HOPS).toBe(0);
  });

  it('lets each plan limit be overridden by the environment', () => {
    const config = loadConfig(configSchema, { RATE_LIMIT_PROFESSIONAL: '12000', RATE_LIMIT_FREE: '60' });
    expect(planLimitsFrom(config)).toEqual({ ...PLAN_LIMIT_DEFAULTS, free: 60, professional: 12_000 });
  });

  it('names a bad limit or breaker setting', () => {
    expect(() => loadConfig(configSchema, { RATE_LIMIT_STARTER: 'lots' })).toThrowError(
      /RATE_LIMIT_STARTER is invalid/,
    );
    expect(() => loadConfig(configSchema, { BREAKER_FAILURE_THRESHOLD: '0' })).toThrowError(
      /BREAKER_FAILURE_THRESHOLD is invalid/,
    );
  });
});
