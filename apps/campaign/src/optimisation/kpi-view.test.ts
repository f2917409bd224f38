import { describe, expect, it } from 'vitest';
import { effectOf, kpisOf } from './kpi-view.ts';

const atChange = kpisOf({ enrolled: 10, sent: 10, opened: 4, clicked: 2, converted: 1, spend: '100' });

describe('KPIs and their effect', () => {
  it('rates are 4-place decimals over sent (opens, clicks) and enrolled (conversions)', () => {
    expect(atChange).toEqual({
      enrolled: 10,
      sent: 10,
      opened: 4,
      clicked: 2,
      converted: 1,
      openRate: '0.4000',
      clickRate: '0.2000',
      conversionRate: '0.1000',
      spend: '100.00',
    });
    expect(kpisOf({ enrolled: 3, sent: 3, opened: 2, clicked: 1, converted: 0, spend: '0.12345' })).toMatchObject({
      openRate: '0.6667',
      clickRate: '0.3333',
      spend: '0.1234',
    });
  });

  it('nothing sent or enrolled is a rate of 0, not a division by zero', () => {
    expect(kpisOf({ enrolled: 0, sent: 0, opened: 0, clicked: 0, converted: 0, spend: '0' })).toMatchObject({
      openRate: '0.0000',
      clickRate: '0.0000',
      conversionRate: '0.0000',
      spend: '0.00',
    });
  });

  it('the effect is the rates now minus at the change, and the spend since', () => {
    const now = kpisOf({ enrolled: 10, sent: 20, opened: 7, clicked: 4, converted: 3, spend: '150.5' });
    expect(effectOf(atChange, now)).toEqual({
      openRate: '-0.0500',
      clickRate: '0.0000',
      conversionRate: '0.2000',
      spend: '50.50',
    });
    const lowerSync = kpisOf({ enrolled: 10, sent: 10, opened: 4, clicked: 2, converted: 1, spend: '99.9' });
    expect(effectOf(atChange, lowerSync).spend).toBe('-0.10');
  });
});
