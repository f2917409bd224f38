import { describe, expect, it } from 'vitest';
import { claimedEnrolment } from '../dispatch/claimed-enrolment-fixture.ts';
import { planRound } from '../dispatch/plan-round.ts';
import { planStep, type PlanStep } from '../plans/plan-schema.ts';
import { abStepOf, chooseTemplate } from './ab-step.ts';

const [plain, tested] = [
  { type: 'send', id: 'intro', channel: 'email', templateKey: 'intro' },
  {
    type: 'send',
    id: 'subject',
    channel: 'email',
    templateKey: 'promo',
    abTest: {
      variants: [
        { key: 'short', templateKey: 'promo-short' },
        { key: 'long', templateKey: 'promo-long' },
      ],
      testShare: 0.2,
      metric: 'click_rate',
      waitHours: 4,
    },
  },
].map((step) => planStep.parse(step)) as [Extract<PlanStep, { type: 'send' }>, Extract<PlanStep, { type: 'send' }>];
const now = new Date('2026-12-07T10:00:00Z');

const enrolment = (variant: string | null) =>
  claimedEnrolment({ contactKind: 'lead', variant, stepIndex: 1, streamVersion: 2, phone: null, lastName: null });

describe('chooseTemplate', () => {
  it('sends a test group its variant, the rest the winner, and a step without a test its own template', () => {
    expect(chooseTemplate(tested, 'long', undefined)).toEqual({ templateKey: 'promo-long', variant: 'long' });
    expect(chooseTemplate(tested, 'rest', 'long')).toEqual({ templateKey: 'promo-long', variant: 'long' });
    expect(chooseTemplate(tested, 'rest', undefined)).toBeUndefined();
    expect(chooseTemplate(plain, 'short', 'short')).toEqual({ templateKey: 'intro', variant: null });
  });
});

describe('planRound with an A/B step', () => {
  it('sends the test groups at once and parks the rest at the step until a winner is chosen', () => {
    expect(abStepOf([plain, tested])).toEqual({ index: 1, step: tested });
    const steps = [plain, tested];
    const before = planRound(steps, [enrolment('short'), enrolment('rest')], new Map(), now);
    expect(before.sends.map((send) => send.choice)).toEqual([{ templateKey: 'promo-short', variant: 'short' }]);
    expect(before.moves).toEqual([
      expect.objectContaining({ stepIndex: 1, dueAt: new Date('2026-12-08T10:00:00Z'), reason: null }),
    ]);
    const after = planRound(steps, [enrolment('rest')], new Map([['subject', 'long']]), now);
    expect(after.sends.map((send) => send.choice)).toEqual([{ templateKey: 'promo-long', variant: 'long' }]);
    expect(after.moves).toEqual([]);
  });
});
