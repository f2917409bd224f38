import { describe, expect, it } from 'vitest';
import { nextStatus, type MessageEventType, type MessageStatus } from './message-status.ts';

describe('nextStatus', () => {
  it('follows requested -> scheduled -> sent -> delivered -> opened -> clicked', () => {
    const path: [MessageEventType, MessageStatus][] = [
      ['notification.requested', 'requested'],
      ['notification.scheduled', 'scheduled'],
      ['notification.sent', 'sent'],
      ['notification.delivered', 'delivered'],
      ['notification.opened', 'opened'],
      ['notification.clicked', 'clicked'],
    ];
    let status: MessageStatus | null = null;
    for (const [event, expected] of path) {
      status = nextStatus(status, event);
      expect(status).toBe(expected);
    }
  });

  it('marks a scheduled digest item digested', () => {
    expect(nextStatus('requested', 'notification.scheduled', { digestItem: true })).toBe('digested');
  });

  it('records nothing for a second open or a delivery receipt arriving after the open', () => {
    expect(nextStatus('opened', 'notification.opened')).toBeNull();
    expect(nextStatus('opened', 'notification.delivered')).toBeNull();
    expect(nextStatus('bounced', 'notification.bounced')).toBeNull();
  });

  it('keeps every click', () => {
    expect(nextStatus('clicked', 'notification.clicked')).toBe('clicked');
  });

  it('lets a provider report a sent or delivered message bounced', () => {
    expect(nextStatus('sent', 'notification.bounced')).toBe('bounced');
    expect(nextStatus('delivered', 'notification.bounced')).toBe('bounced');
  });

  it('refuses what the lifecycle does not allow, naming the current status', () => {
    expect(() => nextStatus('suppressed', 'notification.sent')).toThrow(
      expect.objectContaining({
        code: 'BUSINESS_RULE_VIOLATION',
        details: expect.objectContaining({ currentStatus: 'suppressed' }),
      }),
    );
    expect(() => nextStatus('requested', 'notification.requested')).toThrow();
    expect(() => nextStatus('scheduled', 'notification.opened')).toThrow();
    expect(() => nextStatus('sent', 'notification.suppressed')).toThrow();
  });
});
