import { describe, expect, it } from 'vitest';
import { rate } from './funnel-stage-counts.ts';

describe('rate', () => {
  it('gives 4 places rounded half up, exactly (no binary fraction rounds 7/160 down)', () => {
    expect(rate(2, 5)).toBe('0.4000');
    expect(rate(7, 160)).toBe('0.0438');
    expect(rate(1, 3)).toBe('0.3333');
    expect(rate(2, 3)).toBe('0.6667');
    expect(rate(3, 3)).toBe('1.0000');
  });

  it('is 0.0000 over nothing', () => {
    expect(rate(0, 0)).toBe('0.0000');
  });
});
