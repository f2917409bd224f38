import { describe, expect, it } from 'vitest';
import { providerBackoffMs } from './provider-backoff.ts';

const NOW = Date.parse('2026-12-07T10:00:00.000Z');
const HOUR = 3_600_000;

describe('providerBackoffMs', () => {
  it('takes Retry-After in seconds or as an HTTP date on a 429 or 503', () => {
    expect(providerBackoffMs(429, { 'retry-after': '30' }, NOW, HOUR)).toBe(30_000);
    expect(providerBackoffMs(503, { 'retry-after': 'Mon, 07 Dec 2026 10:02:00 GMT' }, NOW, HOUR)).toBe(120_000);
    expect(providerBackoffMs(429, { 'retry-after': ['5', '9'] }, NOW, HOUR)).toBe(5_000);
  });

  it('ignores Retry-After on other answers, a date in the past and a value that is neither', () => {
    expect(providerBackoffMs(200, { 'retry-after': '30' }, NOW, HOUR)).toBe(0);
    expect(providerBackoffMs(500, { 'retry-after': '30' }, NOW, HOUR)).toBe(0);
    expect(providerBackoffMs(429, { 'retry-after': 'Mon, 07 Dec 2026 09:00:00 GMT' }, NOW, HOUR)).toBe(0);
    expect(providerBackoffMs(429, { 'retry-after': 'soon' }, NOW, HOUR)).toBe(0);
    expect(providerBackoffMs(429, {}, NOW, HOUR)).toBe(0);
  });

  it('waits for the reset of an exhausted window, as seconds from now or an epoch in seconds or milliseconds', () => {
    expect(providerBackoffMs(200, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '45' }, NOW, HOUR)).toBe(45_000);
    expect(
      providerBackoffMs(200, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 + 60) }, NOW, HOUR),
    ).toBe(60_000);
    expect(
      providerBackoffMs(200, { 'ratelimit-remaining': '0', 'ratelimit-reset': String(NOW + 7_000) }, NOW, HOUR),
    ).toBe(7_000);
    expect(providerBackoffMs(200, { 'x-ratelimit-remaining': '3', 'x-ratelimit-reset': '45' }, NOW, HOUR)).toBe(0);
    expect(providerBackoffMs(200, { 'x-ratelimit-remaining': '0' }, NOW, HOUR)).toBe(0);
  });

  it('takes the later of the two, and never more than the cap', () => {
    const headers = { 'retry-after': '10', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '20' };
    expect(providerBackoffMs(429, headers, NOW, HOUR)).toBe(20_000);
    expect(providerBackoffMs(429, { 'retry-after': '86400' }, NOW, HOUR)).toBe(HOUR);
  });
});
