import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createUuidv7, pooledRandom, uuidv7, uuidv7Timestamp } from './uuidv7.ts';

const bits = (id: string) => {
  const hex = id.replace(/-/g, '');
  return { version: Number.parseInt(hex[12]!, 16), variant: Number.parseInt(hex[16]!, 16) >> 2 };
};

describe('uuidv7', () => {
  it('sets version 7 and variant 10 and passes a strict RFC 9562 check', () => {
    for (let i = 0; i < 1000; i += 1) {
      const id = uuidv7();
      expect(bits(id)).toEqual({ version: 7, variant: 0b10 });
      expect(z.uuidv7().safeParse(id).success).toBe(true);
    }
  });

  it('carries the clock time in its first 48 bits', () => {
    const next = createUuidv7({ now: () => 1_735_689_600_123 });
    expect(uuidv7Timestamp(next())).toBe(1_735_689_600_123);
  });

  it('orders ids by the millisecond they were made in', () => {
    let ms = 1_700_000_000_000;
    const next = createUuidv7({ now: () => (ms += 1) });
    const ids = Array.from({ length: 500 }, () => next());
    expect([...ids].sort()).toEqual(ids);
  });

  it('stays strictly increasing within one millisecond and when the clock goes back', () => {
    const times = [5_000, 5_000, 5_000, 4_000, 4_000, 5_000, 6_000];
    let i = 0;
    const next = createUuidv7({ now: () => times[Math.min(i++, times.length - 1)]! });
    const ids = Array.from({ length: 10_000 }, () => next());
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('borrows the next millisecond when the counter is exhausted', () => {
    const next = createUuidv7({ now: () => 1_000, random: (n) => new Uint8Array(n).fill(0xff) });
    const ids = Array.from({ length: 3000 }, () => next());
    expect([...ids].sort()).toEqual(ids);
    expect(uuidv7Timestamp(ids.at(-1)!)).toBeGreaterThan(1_000);
  });

  it('makes ids that differ in their random part within one millisecond', () => {
    const next = createUuidv7({ now: () => 42 });
    const tails = new Set(Array.from({ length: 100 }, () => next().slice(19)));
    expect(tails.size).toBe(100);
  });
});

describe('pooledRandom', () => {
  it('hands out consecutive, never repeated slices of the CSPRNG pool, refilling it when it runs out', () => {
    const random = pooledRandom(32);
    const slices = Array.from({ length: 10 }, () => Buffer.from(random(10)).toString('hex'));
    expect(slices.every((hex) => hex.length === 20)).toBe(true);
    expect(new Set(slices).size).toBe(10);
    expect(random(100)).toHaveLength(100);
  });
});
