import { describe, expect, it } from 'vitest';
import { planStep, type PlanStep } from '../plans/plan-schema.ts';
import type { ClaimedEnrolment } from './claim-batch.ts';
import { claimedEnrolment } from './claimed-enrolment-fixture.ts';
import { planRound } from './plan-round.ts';

const now = new Date('2026-12-07T10:00:00Z');
const steps: PlanStep[] = [
  { type: 'send', id: 'promo', channel: 'email', templateKey: 'promo' },
  { type: 'send', id: 'receipt', channel: 'email', templateKey: 'receipt', category: 'transactional' },
  { type: 'send', id: 'text', channel: 'sms', templateKey: 'text', category: 'transactional' },
].map((step) => planStep.parse(step));

const round = (at: number, fields: Partial<ClaimedEnrolment>) =>
  planRound(steps, [claimedEnrolment({ stepIndex: at, ...fields })], new Map(), now);

describe('planRound', () => {
  it('sends to a contact without stated preferences, at its address for the channel', () => {
    expect(round(0, {}).sends.map((send) => [send.step.id, send.address])).toEqual([['promo', 'jane@example.com']]);
    expect(round(2, {}).sends.map((send) => send.address)).toEqual(['+14155550100']);
  });

  it("skips a marketing step a customer's preferences refuse, and moves on to the next step", () => {
    const { sends, moves } = round(0, { consent: { email: true, sms: true, marketing: false } });
    expect(sends).toEqual([]);
    expect(moves).toEqual([
      expect.objectContaining({
        stepIndex: 1,
        dueAt: now,
        skip: { stepId: 'promo', reason: 'no_consent', detail: 'the contact does not accept marketing' },
      }),
    ]);
    // A transactional message is not marketing.
    expect(round(1, { consent: { email: true, sms: true, marketing: false } }).sends).toHaveLength(1);
  });

  it('skips a channel the preferences refuse even for a transactional message', () => {
    const { moves } = round(2, { consent: { email: true, sms: false, marketing: true } });
    expect(moves[0]).toMatchObject({ dueAt: null, skip: { stepId: 'text', reason: 'no_consent' } });
  });

  it('ends the journey of a contact that left the audience, and skips a step without a usable address', () => {
    expect(round(0, { matches: false }).moves[0]).toMatchObject({ dueAt: null, reason: 'left_audience' });
    const sealed = round(0, { email: 'enc:v1:1:c2VhbGVk' }).moves[0];
    expect(sealed).toMatchObject({ stepIndex: 1, skip: { stepId: 'promo', reason: 'no_address' } });
  });
});
