import { describe, expect, it } from 'vitest';
import { activeKey, droppableKeys, rotationDue, type KeyPolicy } from './key-policy.ts';

const policy: KeyPolicy = { rotationDays: 30, publishLeadSeconds: 60, maxTokenTtlSeconds: 900 };
const t0 = new Date('2026-01-01T00:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const DAY = 86_400_000;

describe('signing key policy', () => {
  it('signs with the first key at once', () => {
    const keys = [{ kid: 'a', createdAt: t0 }];
    expect(activeKey(keys, t0, policy)?.kid).toBe('a');
    expect(activeKey([], t0, policy)).toBeUndefined();
  });

  it('publishes a new key for the lead time before it signs', () => {
    const keys = [
      { kid: 'b', createdAt: at(30 * DAY) },
      { kid: 'a', createdAt: t0 },
    ];
    expect(activeKey(keys, at(30 * DAY + 59_000), policy)?.kid).toBe('a');
    expect(activeKey(keys, at(30 * DAY + 60_000), policy)?.kid).toBe('b');
  });

  it('rotates when there is no key or the newest is older than the period', () => {
    expect(rotationDue([], t0, policy)).toBe(true);
    const keys = [{ kid: 'a', createdAt: t0 }];
    expect(rotationDue(keys, at(30 * DAY - 1), policy)).toBe(false);
    expect(rotationDue(keys, at(30 * DAY), policy)).toBe(true);
  });

  it('drops a key only after every token it signed has expired', () => {
    const keys = [
      { kid: 'a', createdAt: t0 },
      { kid: 'b', createdAt: at(30 * DAY) },
      { kid: 'c', createdAt: at(60 * DAY) },
    ];
    const retiredA = 30 * DAY + 60_000;
    expect(droppableKeys(keys, at(retiredA + 900_000 + 59_999), policy)).toEqual([]);
    expect(droppableKeys(keys, at(retiredA + 900_000 + 60_000), policy).map((k) => k.kid)).toEqual(['a']);
    expect(droppableKeys(keys, at(365 * DAY), policy).map((k) => k.kid)).toEqual(['a', 'b']);
  });
});
