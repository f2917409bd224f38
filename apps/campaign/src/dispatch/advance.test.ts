import { describe, expect, it } from 'vitest';
import { planStep, type PlanStep } from '../plans/plan-schema.ts';
import { advance, type RecipientFacts } from './advance.ts';

const steps = (...raw: unknown[]): PlanStep[] => raw.map((step) => planStep.parse(step));
const send = (id: string) => ({ type: 'send', id, channel: 'email', templateKey: `t-${id}` });
const none: RecipientFacts = { timezone: null, lastSend: null, convertedAt: null };
const now = new Date('2026-03-28T22:30:00Z');
const sentAt = new Date('2026-03-28T20:00:00Z');

describe('advance', () => {
  it('sends a send step at once and ends after the last step', () => {
    const plan = steps(send('a'), send('b'));
    expect(advance(plan, 0, none, now)).toEqual({ type: 'send', index: 0 });
    expect(advance(plan, 2, none, now)).toEqual({ type: 'done' });
  });

  it('turns a fixed wait into a due time for the step after it', () => {
    const plan = steps(send('a'), { type: 'wait', id: 'w', hours: 48 }, send('b'));
    expect(advance(plan, 1, none, now)).toEqual({ type: 'due', index: 2, dueAt: new Date('2026-03-30T22:30:00Z') });
  });

  it('waits until the next local time in the recipient zone, across a DST change', () => {
    const plan = steps({ type: 'wait', id: 'w', untilLocalTime: '09:00', timezone: 'UTC' }, send('b'));
    // 22:30 UTC on 28 March is 23:30 in Berlin; at 09:00 on 29 March Berlin is on summer time (UTC+2).
    const berlin = advance(plan, 0, { ...none, timezone: 'Europe/Berlin' }, now);
    expect(berlin).toEqual({ type: 'due', index: 1, dueAt: new Date('2026-03-29T07:00:00Z') });
    // Without a zone of its own the step's zone counts.
    expect(advance(plan, 0, none, now)).toEqual({ type: 'due', index: 1, dueAt: new Date('2026-03-29T09:00:00Z') });
  });

  it('branches on an open inside the window, waits while it is open, and takes otherwise after it', () => {
    const plan = steps(
      send('a'),
      { type: 'branch', id: 'opened', on: 'opened', withinHours: 24, then: 'b', otherwise: 'c' },
      send('b'),
      send('c'),
    );
    const opened = { ...none, lastSend: { at: sentAt, openedAt: new Date('2026-03-28T21:00:00Z'), clickedAt: null } };
    expect(advance(plan, 1, opened, now)).toEqual({ type: 'send', index: 2 });
    const notYet = { ...none, lastSend: { at: sentAt, openedAt: null, clickedAt: null } };
    expect(advance(plan, 1, notYet, now)).toEqual({ type: 'due', index: 1, dueAt: new Date('2026-03-29T20:00:00Z') });
    expect(advance(plan, 1, notYet, new Date('2026-03-29T20:00:00Z'))).toEqual({ type: 'send', index: 3 });
  });

  it('ends the journey on a branch target of null, and counts a conversion only after the send', () => {
    const plan = steps(
      send('a'),
      { type: 'branch', id: 'conv', on: 'converted', withinHours: 1, then: null, otherwise: 'b' },
      send('b'),
    );
    const converted = {
      ...none,
      lastSend: { at: sentAt, openedAt: null, clickedAt: null },
      convertedAt: new Date('2026-03-28T20:30:00Z'),
    };
    expect(advance(plan, 1, converted, now)).toEqual({ type: 'done' });
    const before = { ...converted, convertedAt: new Date('2026-03-28T19:00:00Z') };
    expect(advance(plan, 1, before, now)).toEqual({ type: 'send', index: 2 });
  });
});
