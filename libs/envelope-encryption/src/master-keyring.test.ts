import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { activeMasterKeyVariable, checkActiveMasterKey, masterKeysVariable } from './master-key-env.ts';
import { createMasterKeyring } from './master-keyring.ts';

const key = () => randomBytes(32).toString('base64');
const keys = { old: key(), new: key() };

describe('the master keyring', () => {
  it('opens what any configured key sealed, bound to its AAD', () => {
    const before = createMasterKeyring(keys, { activeId: 'old' });
    const after = createMasterKeyring(keys, { activeId: 'new' });
    const sealed = before.seal(Buffer.from('data key'), 'tenant-a|1');
    expect(sealed.masterKeyId).toBe('old');
    expect(after.seal(Buffer.from('x'), 'a').masterKeyId).toBe('new');
    expect(after.open(sealed.masterKeyId, sealed.sealed, 'tenant-a|1').toString()).toBe('data key');
    expect(() => after.open(sealed.masterKeyId, sealed.sealed, 'tenant-b|1')).toThrow(/authentication failed/);
  });

  it('takes the only key as active, refuses an active id that is not configured, and names the source of a missing key', () => {
    expect(createMasterKeyring({ only: keys.old }).activeId).toBe('only');
    expect(() => createMasterKeyring(keys, { activeId: 'gone' })).toThrow('master key gone is not configured');
    const sealed = createMasterKeyring(keys, { activeId: 'old' }).seal(Buffer.from('data key'), 'aad');
    expect(() =>
      createMasterKeyring({ new: keys.new }, { source: 'INTEGRATION_MASTER_KEYS' }).open('old', sealed.sealed, 'aad'),
    ).toThrow('Encrypted value could not be decrypted: master key "old" is not in INTEGRATION_MASTER_KEYS');
  });
});

describe('master key variables', () => {
  const schema = z
    .object({ KEYS: masterKeysVariable, ACTIVE: activeMasterKeyVariable })
    .superRefine(checkActiveMasterKey('KEYS', 'ACTIVE'));
  const issues = (env: Record<string, string>) =>
    schema.safeParse(env).error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) ?? [];

  it('accepts one key, or several with the active one named', () => {
    expect(issues({ KEYS: JSON.stringify({ k1: key() }) })).toEqual([]);
    expect(issues({ KEYS: JSON.stringify({ k1: key(), k2: key() }), ACTIVE: 'k2' })).toEqual([]);
  });

  it('says what is wrong with the keys and the active id', () => {
    expect(issues({ KEYS: 'not json' })).toEqual(['KEYS: must be JSON: {"<keyId>": "<32 bytes base64>"}']);
    expect(issues({ KEYS: '{}' })).toEqual(['KEYS: must hold at least one key']);
    expect(issues({ KEYS: JSON.stringify({ k1: randomBytes(16).toString('base64') }) })).toEqual([
      'KEYS.k1: each key must be 32 bytes, base64-encoded',
    ]);
    expect(issues({ KEYS: JSON.stringify({ 'bad:id': key() }) })).toEqual([
      'KEYS: key ids must be 1-32 characters of [A-Za-z0-9_-]',
    ]);
    expect(issues({ KEYS: JSON.stringify({ k1: key(), k2: key() }) })).toEqual([
      'ACTIVE: must name one of KEYS when it holds several keys',
    ]);
    expect(issues({ KEYS: JSON.stringify({ k1: key() }), ACTIVE: 'k9' })).toEqual([
      'ACTIVE: names no key of KEYS (k1)',
    ]);
  });
});
