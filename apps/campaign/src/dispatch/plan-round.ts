import { isSealedValue } from '@bizosaas/event-schemas';
import type { PlanStep } from '../plans/plan-schema.ts';
import { advance, type Next, type RecipientFacts } from './advance.ts';
import type { ClaimedEnrolment } from './claim-batch.ts';

export type SkipReason = 'capped' | 'suppressed' | 'no_address' | 'left_audience' | 'rejected';

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
}

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
 * Decides each claimed enrolment's round: a send now (to reserve), or a move (a wait, a branch,
 * the end, or a step skipped because the contact left the audience or has no address for it).
 */
export function planRound(
  steps: readonly PlanStep[],
  claimed: readonly ClaimedEnrolment[],
  now: Date,
): { sends: SendIntent[]; moves: Move[] } {
  const sends: SendIntent[] = [];
  const moves: Move[] = [];
  for (const enrolment of claimed) {
    const facts = factsOf(enrolment);
    const next = advance(steps, enrolment.stepIndex, facts, now);
    if (next.type !== 'send') {
      moves.push(moveTo(enrolment, next, now));
      continue;
    }
    const step = steps[next.index] as Extract<PlanStep, { type: 'send' }>;
    if (!enrolment.matches) {
      moves.push({
        enrolment,
        stepIndex: next.index,
        dueAt: null,
        reason: 'left_audience',
        skip: { stepId: step.id, reason: 'left_audience' },
      });
      continue;
    }
    const address = addressFor(enrolment, step.channel);
    if (address === null) {
      const after = advance(steps, next.index + 1, facts, now);
      moves.push(
        moveTo(enrolment, after, now, {
          stepId: step.id,
          reason: 'no_address',
          detail: `no usable ${step.channel} address`,
        }),
      );
      continue;
    }
    sends.push({ enrolment, index: next.index, step, address });
  }
  return { sends, moves };
}
