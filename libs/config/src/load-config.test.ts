import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, loadConfig } from './load-config.ts';
import { baseServiceEnv, databaseEnv, port } from './common.ts';

const schema = z.object({ PORT: port(8011), ...baseServiceEnv, ...databaseEnv });

describe('loadConfig', () => {
  it('applies defaults when variables are unset or empty', () => {
    const config = loadConfig(schema, { LOG_LEVEL: '' });
    expect(config.PORT).toBe(8011);
    expect(config.LOG_LEVEL).toBe('info');
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
  });

  it('coerces numbers', () => {
    expect(loadConfig(schema, { PORT: '9000' }).PORT).toBe(9000);
  });

  it('names the bad variable', () => {
    expect(() => loadConfig(schema, { PORT: 'eighty' })).toThrowError(/PORT is invalid/);
    expect(() => loadConfig(schema, { REDIS_URL: 'http://x' })).toThrowError(
      /REDIS_URL is invalid: must be a redis or rediss URL/,
    );
  });

  it('says when a required variable is missing', () => {
    const required = z.object({ MASTER_KEY: z.string().min(32) });
    try {
      loadConfig(required, {});
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).variable).toBe('MASTER_KEY');
      expect((err as Error).message).toBe('Invalid configuration: MASTER_KEY is missing');
    }
  });
});
