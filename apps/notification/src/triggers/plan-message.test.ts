import { describe, expect, it } from 'vitest';
import { planMessage, type RecipientFacts, type TemplateFacts } from './plan-message.ts';

const now = new Date('2026-12-06T23:30:00Z');
const userId = '0192f5a4-2c3d-7e4f-8a50-617283940a1b';
const normal: TemplateFacts = { category: 'marketing', critical: false, enabledByDefault: true };
const critical: TemplateFacts = { ...normal, category: 'security', critical: true };

function facts(overrides: Partial<RecipientFacts> = {}): RecipientFacts {
  return {
    recipient: { userId },
    user: { email: 'Jane@Example.com', active: true },
    preferences: null,
    pushSubscriptions: [],
    suppressionOf: () => undefined,
    ...overrides,
  };
}

const plan = (
  template: TemplateFacts,
  recipient: RecipientFacts,
  channel: 'email' | 'sms' | 'push' | 'in_app' = 'email',
) => planMessage({ channel, template, facts: recipient, digest: false, now });

describe('planMessage', () => {
  it('schedules now, to the directory address lower-cased, when nothing says otherwise', () => {
    expect(plan(normal, facts())).toMatchObject({
      outcome: 'scheduled',
      reason: 'immediate',
      at: now,
      address: 'jane@example.com',
      preference: { enabled: true, source: 'template_default' },
    });
  });

  it('suppresses a channel the user switched off, but not for a critical template', () => {
    const off = facts({ preferences: { channels: { email: false }, categories: {}, quietHours: null } });
    expect(plan(normal, off)).toMatchObject({ outcome: 'suppressed', reason: 'preference' });
    expect(plan(critical, off)).toMatchObject({ outcome: 'scheduled', preference: { source: 'critical' } });
  });

  it('suppresses a bounced address even for a critical template, and an unsubscribed one only for normal ones', () => {
    const bounced = facts({ suppressionOf: () => 'bounced' });
    expect(plan(critical, bounced)).toMatchObject({ outcome: 'suppressed', reason: 'bounced' });
    const unsubscribed = facts({ suppressionOf: () => 'unsubscribed' });
    expect(plan(normal, unsubscribed)).toMatchObject({ outcome: 'suppressed', reason: 'unsubscribed' });
    expect(plan(critical, unsubscribed)).toMatchObject({ outcome: 'scheduled' });
  });

  it('suppresses a number unsubscribed from SMS even for a critical template: the provider refuses it', () => {
    const stopped = facts({ recipient: { phone: '+14155550100' }, suppressionOf: () => 'unsubscribed' });
    expect(plan(critical, stopped, 'sms')).toMatchObject({ outcome: 'suppressed', reason: 'unsubscribed' });
  });

  it('suppresses with no_address when the channel has nowhere to go', () => {
    expect(plan(normal, facts(), 'sms')).toMatchObject({ outcome: 'suppressed', reason: 'no_address' });
    expect(plan(normal, facts({ recipient: { email: 'a@example.com' } }), 'in_app')).toMatchObject({
      outcome: 'suppressed',
      reason: 'no_address',
    });
  });

  it('delays a normal message to the end of quiet hours in the recipient zone and leaves a critical one alone', () => {
    // 23:30 UTC is 00:30 in Berlin, inside 22:00-07:00 there.
    const quiet = facts({
      recipient: { userId, timezone: 'Europe/Berlin' },
      preferences: { channels: {}, categories: {}, quietHours: { start: '22:00', end: '07:00' } },
    });
    expect(plan(normal, quiet)).toMatchObject({
      outcome: 'scheduled',
      reason: 'quiet_hours',
      at: new Date('2026-12-07T06:00:00Z'),
    });
    expect(plan(critical, quiet)).toMatchObject({ outcome: 'scheduled', reason: 'immediate' });
  });

  it('collects a digest-keyed message into its digest', () => {
    expect(planMessage({ channel: 'email', template: normal, facts: facts(), digest: true, now })).toMatchObject({
      outcome: 'digest',
    });
  });

  it('suppresses messages to a deactivated user unless critical', () => {
    const gone = facts({ user: { email: 'jane@example.com', active: false } });
    expect(plan(normal, gone)).toMatchObject({ outcome: 'suppressed', reason: 'preference' });
    expect(plan(critical, gone)).toMatchObject({ outcome: 'scheduled' });
  });
});
