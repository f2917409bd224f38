import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from '@bizosaas/config';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../config.ts';
import { createEventBusKeyring } from './master-keys.ts';

const key = () => randomBytes(32).toString('base64');
const load = (env: Record<string, string>) => loadConfig(configSchema, env);
const problem = (env: Record<string, string>) => {
  try {
    load(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  return 'no error';
};

describe('master key configuration', () => {
  it('needs EVENTBUS_MASTER_KEYS (no default key)', () => {
    expect(problem({})).toBe('Invalid configuration: EVENTBUS_MASTER_KEYS is missing');
  });

  it('names the variable of every bad value', () => {
    expect(problem({ EVENTBUS_MASTER_KEYS: 'not json' })).toMatch(
      /^Invalid configuration: EVENTBUS_MASTER_KEYS is invalid: must be JSON/,
    );
    expect(problem({ EVENTBUS_MASTER_KEYS: '{}' })).toMatch(
      /EVENTBUS_MASTER_KEYS is invalid: must hold at least one key/,
    );
    expect(problem({ EVENTBUS_MASTER_KEYS: JSON.stringify({ k1: randomBytes(16).toString('base64') }) })).toMatch(
      /EVENTBUS_MASTER_KEYS is invalid: each key must be 32 bytes/,
    );
    expect(problem({ EVENTBUS_MASTER_KEYS: JSON.stringify({ 'bad:id': key() }) })).toMatch(
      /EVENTBUS_MASTER_KEYS is invalid: key ids must be/,
    );
    expect(problem({ EVENTBUS_MASTER_KEYS: JSON.stringify({ k1: key(), k2: key() }) })).toBe(
      'Invalid configuration: EVENTBUS_ACTIVE_MASTER_KEY_ID is missing',
    );
    expect(problem({ EVENTBUS_MASTER_KEYS: JSON.stringify({ k1: key() }), EVENTBUS_ACTIVE_MASTER_KEY_ID: 'k9' })).toBe(
      'Invalid configuration: EVENTBUS_ACTIVE_MASTER_KEY_ID is invalid: names no key of EVENTBUS_MASTER_KEYS (k1)',
    );
    expect(problem({ EVENTBUS_MASTER_KEYS: JSON.stringify({ k1: key() }), EVENTBUS_DATA_KEY_CACHE_SIZE: '0' })).toMatch(
      /^Invalid configuration: EVENTBUS_DATA_KEY_CACHE_SIZE is invalid/,
    );
  });

  it('takes the only key as the active one, or the one named', () => {
    const single = load({ EVENTBUS_MASTER_KEYS: JSON.stringify({ k1: key() }) });
    expect(createEventBusKeyring(single.EVENTBUS_MASTER_KEYS, single.EVENTBUS_ACTIVE_MASTER_KEY_ID).activeId).toBe(
      'k1',
    );
    const two = load({
      EVENTBUS_MASTER_KEYS: JSON.stringify({ k1: key(), k2: key() }),
      EVENTBUS_ACTIVE_MASTER_KEY_ID: 'k2',
    });
    expect(createEventBusKeyring(two.EVENTBUS_MASTER_KEYS, two.EVENTBUS_ACTIVE_MASTER_KEY_ID).activeId).toBe('k2');
    expect(two).toMatchObject({ EVENTBUS_DATA_KEY_CACHE_SIZE: 10_000, EVENTBUS_DATA_KEY_REFRESH_MS: 60_000 });
  });
});

describe('the event-bus keyring', () => {
  it('names EVENTBUS_MASTER_KEYS when a value was sealed under a key no longer configured', () => {
    const keys = { old: key(), new: key() };
    const sealed = createEventBusKeyring(keys, 'old').seal(Buffer.from('data key'), 'aad');
    expect(() => createEventBusKeyring({ new: keys.new }).open('old', sealed.sealed, 'aad')).toThrow(
      'Encrypted value could not be decrypted: master key "old" is not in EVENTBUS_MASTER_KEYS',
    );
  });
});
