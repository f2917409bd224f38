import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextAttemptAt, RETRY_DELAYS_MS } from './retry-schedule.ts';
import { EVENT_TYPE_PATTERN, matches, matchesFilter, matchesType } from './subscription-match.ts';
import { webhookSignature } from './webhook-signature.ts';

describe('webhookSignature (Standard Webhooks)', () => {
  it('matches the specification test vector', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    expect(webhookSignature(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}')).toBe(
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
  });

  it('changes with any byte of id, timestamp or body', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const base = webhookSignature(secret, 'id', 1, '{}');
    expect(
      new Set([
        base,
        webhookSignature(secret, 'iD', 1, '{}'),
        webhookSignature(secret, 'id', 2, '{}'),
        webhookSignature(secret, 'id', 1, '{ }'),
      ]).size,
    ).toBe(4);
  });
});

describe('retry schedule', () => {
  it('retries at once, after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, then gives up', () => {
    const failedAt = new Date('2030-01-01T00:00:00Z');
    const delays = Array.from({ length: 8 }, (_, attempts) => nextAttemptAt(attempts, failedAt)?.getTime());
    expect(delays.map((at) => (at === undefined ? null : at - failedAt.getTime()))).toEqual([...RETRY_DELAYS_MS, null]);
  });
});

describe('subscription matching', () => {
  it('matches exact types, context wildcards and *', () => {
    expect(matchesType('lead.created', 'lead.created')).toBe(true);
    expect(matchesType('lead.created', 'lead.qualified')).toBe(false);
    expect(matchesType('lead.*', 'lead.qualified')).toBe(true);
    expect(matchesType('lead.*', 'leadership.created')).toBe(false);
    expect(matchesType('*', 'user.created')).toBe(true);
  });

  it('applies filters as equalities on dotted paths, never on inherited properties', () => {
    const event = { type: 'lead.created', data: { source: 'website_form', score: { total: 80 } } };
    expect(matchesFilter({ 'data.source': 'website_form' }, event)).toBe(true);
    expect(matchesFilter({ 'data.score': { total: 80 } }, event)).toBe(true);
    expect(matchesFilter({ 'data.source': 'api' }, event)).toBe(false);
    expect(matchesFilter({ 'data.toString': undefined }, event)).toBe(true);
    expect(matches({ eventType: 'lead.*', filter: { 'data.source': 'api' } }, event)).toBe(false);
  });

  it('accepts only well-formed patterns', () => {
    for (const ok of ['*', 'lead.*', 'lead.created', 'ai.analysis_completed'])
      expect(EVENT_TYPE_PATTERN.test(ok), ok).toBe(true);
    for (const bad of ['', 'lead', '*.created', 'lead.**', 'Lead.created', 'lead.created.x'])
      expect(EVENT_TYPE_PATTERN.test(bad), bad).toBe(false);
  });

  it('a filter of the event itself always matches (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.jsonValue(), (source, score) => {
        const event = { type: 'lead.created', data: { source, score } };
        return matchesFilter({ 'data.source': source, 'data.score': score }, event);
      }),
    );
  });
});
