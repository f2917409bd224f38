import { describe, expect, it } from 'vitest';
import { accessExpired, refreshDue } from './refresh-rule.ts';

const rule = { aheadMs: 300_000, everyMs: 86_400_000 };
const now = new Date('2026-12-07T12:00:00.000Z');
const at = (offsetMs: number) => new Date(now.getTime() + offsetMs);

describe('refreshDue', () => {
  it('is due within aheadMs of expiry, and not before', () => {
    const refreshedAt = at(-60_000);
    expect(refreshDue({ accessExpiresAt: at(300_001), refreshedAt }, rule, now)).toBe(false);
    expect(refreshDue({ accessExpiresAt: at(300_000), refreshedAt }, rule, now)).toBe(true);
    expect(refreshDue({ accessExpiresAt: at(-1), refreshedAt }, rule, now)).toBe(true);
  });

  it('is due everyMs after the last refresh whatever the lifetime, and when never refreshed', () => {
    const accessExpiresAt = at(30 * 86_400_000);
    expect(refreshDue({ accessExpiresAt, refreshedAt: at(-86_399_999) }, rule, now)).toBe(false);
    expect(refreshDue({ accessExpiresAt, refreshedAt: at(-86_400_000) }, rule, now)).toBe(true);
    expect(refreshDue({ accessExpiresAt: null, refreshedAt: at(-86_400_000) }, rule, now)).toBe(true);
    expect(refreshDue({ accessExpiresAt: null, refreshedAt: at(-1000) }, rule, now)).toBe(false);
    expect(refreshDue({ accessExpiresAt, refreshedAt: null }, rule, now)).toBe(true);
  });
});

describe('accessExpired', () => {
  it('is true from the expiry on; a token without lifetime never expires', () => {
    expect(accessExpired({ accessExpiresAt: at(1) }, now)).toBe(false);
    expect(accessExpired({ accessExpiresAt: at(0) }, now)).toBe(true);
    expect(accessExpired({ accessExpiresAt: null }, now)).toBe(false);
  });
});
