import { isSealedValue } from '@bizosaas/event-schemas';
import { chooseTemplate, type Choice } from '../ab/ab-step.ts';
import type { PlanStep } from '../plans/plan-schema.ts';
import { advance, type Next, type RecipientFacts } from './advance.ts';
import type { ClaimedEnrolment } from './claim-batch.ts';

export type SkipReason = 'capped' | 'suppressed' | 'no_address' | 'no_consent' | 'left_audience' | 'rejected';

/** An enrolment's new place: its next step and due time, or the end of its journey. */
export interface Move {
  enrolment: ClaimedEnrolment;
  stepIndex: number;
  /** null: the journey ended (status done). */
  dueAt: Date | null;
  reason: string | null;
  skip?: { stepId: string; reason: SkipReason; detail?: string };
}

export interface SendIntent {
  enrolment: ClaimedEnrolment;
  index: number;
  step: Extract<PlanStep, { type: 'send' }>;
  address: string;
  /** The template that goes (an A/B step's variant's) and the variant it stands for. */
  choice: Choice;
}

// A recipient outside an A/B test waits at the step for its winner: the decision makes it due at
// once (ab/record-winner.ts); this is only how long until it is looked at again without one.
const AWAIT_WINNER_MS = 24 * 3_600_000;

export const factsOf = (enrolment: ClaimedEnrolment): RecipientFacts => ({
  timezone: enrolment.timezone,
  lastSend: enrolment.lastSendAt
    ? { at: enrolment.lastSendAt, openedAt: enrolment.lastOpenedAt, clickedAt: enrolment.lastClickedAt }
    : null,
  convertedAt: enrolment.convertedAt,
});

/** Where `next` (from advance) puts the enrolment when it is not a send now. */
export function moveTo(enrolment: ClaimedEnrolment, next: Next, now: Date, skip?: Move['skip']): Move {
  if (next.type === 'done')
    return { enrolment, stepIndex: enrolment.stepIndex, dueAt: null, reason: null, ...(skip && { skip }) };
  // A send right after is due now: the next round sends it.
  const dueAt = next.type === 'due' ? next.dueAt : now;
  return { enrolment, stepIndex: next.index, dueAt, reason: null, ...(skip && { skip }) };
}

/** The address a step's channel reaches, unless it is absent or sealed (only its tenant can open it). */
function addressFor(enrolment: ClaimedEnrolment, channel: 'email' | 'sms'): string | null {
  const value = channel === 'email' ? enrolment.email : enrolment.phone;
  return value && !isSealedValue(value) ? value : null;
}

/**
 * What the contact's own preferences (a customer's) refuse: the step's channel, or marketing
 * (transactional messages are not marketing). null: allowed, or no preferences stated.
 */
function consentRefusal(enrolment: ClaimedEnrolment, step: Extract<PlanStep, { type: 'send' }>): string | null {
  const consent = enrolment.consent;
  if (!consent) return null;
  if (consent[step.channel] === false) return `the contact does not accept ${step.channel}`;
  if (step.category === 'marketing' && consent.marketing === false) return 'the contact does not accept marketing';
  return null;
}

/**
 * Decides each claimed enrolment's round: a send now (to reserve), or a move (a wait, a branch,
 * the end, a step skipped because the contact left the audience or has no address for it, or an
 * A/B step whose winner, by step id in `winners`, is not chosen yet).
 */
export function planRound(
  steps: readonly PlanStep[],
  claimed: readonly ClaimedEnrolment[],
  winners: ReadonlyMap<string, string>,
  now: Date,
): { sends: SendIntent[]; moves: Move[] } {
  const sends: SendIntent[] = [];
  const moves: Move[] = [];
  for (const enrolment of claimed) {
    const planned = planEnrolment(steps, enrolment, winners, now);
    if ('choice' in planned) sends.push(planned);
    else moves.push(planned);
  }
  return { sends, moves };
}

function planEnrolment(
  steps: readonly PlanStep[],
  enrolment: ClaimedEnrolment,
  winners: ReadonlyMap<string, string>,
  now: Date,
): SendIntent | Move {
  const facts = factsOf(enrolment);
  const next = advance(steps, enrolment.stepIndex, facts, now);
  if (next.type !== 'send') return moveTo(enrolment, next, now);
  const step = steps[next.index] as Extract<PlanStep, { type: 'send' }>;
  if (!enrolment.matches)
    return {
      enrolment,
      stepIndex: next.index,
      dueAt: null,
      reason: 'left_audience',
      skip: { stepId: step.id, reason: 'left_audience' },
    };
  const refusal = consentRefusal(enrolment, step);
  if (refusal) {
    const after = advance(steps, next.index + 1, facts, now);
    return moveTo(enrolment, after, now, { stepId: step.id, reason: 'no_consent', detail: refusal });
  }
  const address = addressFor(enrolment, step.channel);
  if (address === null) {
    const after = advance(steps, next.index + 1, facts, now);
    return moveTo(enrolment, after, now, {
      stepId: step.id,
      reason: 'no_address',
      detail: `no usable ${step.channel} address`,
    });
  }
  const choice = chooseTemplate(step, enrolment.variant, winners.get(step.id));
  if (!choice)
    return { enrolment, stepIndex: next.index, dueAt: new Date(now.getTime() + AWAIT_WINNER_MS), reason: null };
  return { enrolment, index: next.index, step, address, choice };
}
