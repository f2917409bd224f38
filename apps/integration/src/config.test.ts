import { describe, expect, it } from 'vitest';
import { loadConfig } from '@bizosaas/config';
import { configSchema } from './config.ts';

const env = { INTEGRATION_MASTER_KEYS: JSON.stringify({ k1: Buffer.alloc(32, 'm').toString('base64') }) };

describe('the service client of integration', () => {
  it('is optional, and taken with its user-management URL when both halves are set', () => {
    expect(loadConfig(configSchema, env).SERVICE_CLIENT_ID).toBeUndefined();
    const config = loadConfig(configSchema, {
      ...env,
      SERVICE_CLIENT_ID: 'integration',
      SERVICE_CLIENT_SECRET: 's'.repeat(32),
      USER_MANAGEMENT_URL: 'http://user-management:8001',
    });
    expect([config.SERVICE_CLIENT_ID, config.USER_MANAGEMENT_URL]).toEqual([
      'integration',
      'http://user-management:8001',
    ]);
  });

  it('stops the service naming the missing half', () => {
    expect(() => loadConfig(configSchema, { ...env, SERVICE_CLIENT_ID: 'integration' })).toThrow(
      'Invalid configuration: SERVICE_CLIENT_SECRET is missing',
    );
    expect(() => loadConfig(configSchema, { ...env, SERVICE_CLIENT_SECRET: 's'.repeat(32) })).toThrow(
      'Invalid configuration: SERVICE_CLIENT_ID is missing',
    );
    expect(() => loadConfig(configSchema, { ...env, USER_MANAGEMENT_URL: 'ftp://x' })).toThrow(
      'Invalid configuration: USER_MANAGEMENT_URL is invalid',
    );
  });
});
