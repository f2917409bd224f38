import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { abVariantOf } from './ab-split.ts';

const test = (testShare: number, keys = ['a', 'b']) => ({
  testShare,
  variants: keys.map((key) => ({ key, templateKey: `t-${key}` })),
});

function split(campaignId: string, ids: readonly string[], share: number, keys?: string[]) {
  const counts = new Map<string, number>();
  for (const id of ids) {
    const variant = abVariantOf(campaignId, id, test(share, keys));
    counts.set(variant, (counts.get(variant) ?? 0) + 1);
  }
  return counts;
}

describe('abVariantOf', () => {
  const ids = Array.from({ length: 10_000 }, () => randomUUID());

  it('gives a recipient the same variant every time, and another split in another campaign', () => {
    const campaign = randomUUID();
    const first = ids.map((id) => abVariantOf(campaign, id, test(0.5)));
    expect(ids.map((id) => abVariantOf(campaign, id, test(0.5)))).toEqual(first);
    const other = ids.map((id) => abVariantOf(randomUUID(), id, test(0.5)));
    const same = other.filter((variant, i) => variant === first[i]).length;
    // Independent splits agree on 1/4 * 1/4 + 1/4 * 1/4 + 1/2 * 1/2 = 3/8 of the recipients.
    expect(same).toBeGreaterThan(3_000);
    expect(same).toBeLessThan(4_500);
  });

  it.each([
    [0.2, ['a', 'b']],
    [0.1, ['a', 'b', 'c']],
    [0.5, ['a', 'b', 'c', 'd']],
  ])('puts about %d of 10,000 recipients in the test, split evenly between %j', (share, keys) => {
    const counts = split(randomUUID(), ids, share, keys);
    const tested = ids.length - (counts.get('rest') ?? 0);
    // Binomial sd at n = 10,000 is at most 50: 2 percentage points is many sds.
    expect(Math.abs(tested / ids.length - share)).toBeLessThan(0.02);
    for (const key of keys) expect(Math.abs((counts.get(key) ?? 0) / tested - 1 / keys.length)).toBeLessThan(0.05);
    expect([...counts.keys()].sort()).toEqual([...keys, 'rest'].sort());
  });

  it('keeps a known recipient in a known variant (the hash is part of the contract)', () => {
    const campaign = '0192f5a4-0b1c-7d2e-9f30-415263748596';
    const variants = ['0192f5a4-2c3d-7e4f-8a50-617283940a1b', '0192f5a4-2c3d-7e4f-8a50-617283940a1c'].map((id) =>
      abVariantOf(campaign, id, test(0.5)),
    );
    // The same digests computed apart (Python: hmac.new(campaign, contact, sha256), first 6 bytes / 2^48): 0.794 and 0.244.
    expect(variants).toEqual(['rest', 'a']);
  });
});
