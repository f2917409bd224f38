import { advance } from '../dispatch/advance.ts';
import type { ClaimedEnrolment } from '../dispatch/claim-batch.ts';
import { factsOf, moveTo, planRound, type Move } from '../dispatch/plan-round.ts';
import type { FrequencyCap } from '../dispatch/reserve-sends.ts';
import type { PlanStep } from '../plans/plan-schema.ts';

const DAY_MS = 86_400_000;

/** A recipient of the simulated audience, as the recorded history describes it. */
export interface RecipientHistory {
  contactId: string;
  contactKind: 'lead' | 'customer';
  email: string | null;
  phone: string | null;
  timezone: string | null;
  consent: ClaimedEnrolment['consent'];
  /** Marketing sends of the tenant's other campaigns around the horizon (epoch ms, ascending). */
  marketingSendsAt: readonly number[];
  /** The behaviour assumed for each message of the plan (see load-recipients.ts for the rule). */
  opens: boolean;
  clicks: boolean;
  converts: boolean;
}

export interface Horizon {
  from: Date;
  until: Date;
  cap: FrequencyCap | undefined;
  /** The variant each A/B step is taken to send to the rest (assumedWinners). */
  winners: ReadonlyMap<string, string>;
}

/**
 * Who wins an A/B test is not known before it runs, and the template sent does not change who
 * is reached or capped: the walk takes each A/B step's first variant as its winner, so the rest
 * of the audience gets the step instead of waiting for a decision.
 */
export function assumedWinners(steps: readonly PlanStep[]): Map<string, string> {
  const winners = new Map<string, string>();
  for (const step of steps) if (step.type === 'send' && step.abTest) winners.set(step.id, step.abTest.variants[0]!.key);
  return winners;
}

export type SimulatedSkip = { stepId: string; reason: 'capped' | 'no_address' | 'no_consent' };

export interface Journey {
  contactId: string;
  /** The send steps that would reach the recipient, in order. */
  path: string[];
  skipped: SimulatedSkip[];
}

/** The state the dispatcher keeps of an enrolment, held in memory for the walk. */
function enrolmentOf(recipient: RecipientHistory): ClaimedEnrolment {
  return {
    contactId: recipient.contactId,
    enrolmentId: recipient.contactId,
    contactKind: recipient.contactKind,
    variant: null,
    stepIndex: 0,
    streamVersion: 0,
    convertedAt: null,
    email: recipient.email,
    phone: recipient.phone,
    firstName: null,
    lastName: null,
    timezone: recipient.timezone,
    consent: recipient.consent,
    // The audience is selected now, so every recipient matches its filter throughout.
    matches: true,
    lastSendAt: null,
    lastOpenedAt: null,
    lastClickedAt: null,
  };
}

/**
 * Walks one recipient through the plan from `horizon.from` to `horizon.until` with the
 * dispatcher's own rules (planRound: addresses and branches, advance: waits), the frequency cap
 * counted as reserve-sends counts it (marketing messages in the window ending now, here the
 * recorded ones of other campaigns plus the walk's own), and waits moving the simulated clock.
 */
export function walkRecipient(steps: readonly PlanStep[], recipient: RecipientHistory, horizon: Horizon): Journey {
  const enrolment = enrolmentOf(recipient);
  const journey: Journey = { contactId: recipient.contactId, path: [], skipped: [] };
  const sentAt: number[] = [];
  let clock = horizon.from;
  // Every move passes at least one step, except an undecided branch, which is decided when it is
  // due again: a plan of n steps ends within 2n moves.
  for (let moves = 0; moves < steps.length * 2 + 1; moves++) {
    const move = nextMove(steps, enrolment, recipient, { journey, sentAt, horizon }, clock);
    if (move.dueAt === null || move.dueAt > horizon.until) break;
    clock = move.dueAt;
    enrolment.stepIndex = move.stepIndex;
  }
  return journey;
}

interface WalkState {
  journey: Journey;
  sentAt: number[];
  horizon: Horizon;
}

function nextMove(
  steps: readonly PlanStep[],
  enrolment: ClaimedEnrolment,
  recipient: RecipientHistory,
  state: WalkState,
  clock: Date,
): Move {
  const { sends, moves } = planRound(steps, [enrolment], state.horizon.winners, clock);
  const intent = sends[0];
  if (!intent) {
    const move = moves[0]!;
    // planRound skips a step for want of an address or of consent (the audience matches throughout).
    if (move.skip)
      state.journey.skipped.push({
        stepId: move.skip.stepId,
        reason: move.skip.reason === 'no_consent' ? 'no_consent' : 'no_address',
      });
    return move;
  }
  const { step, index } = intent;
  const marketing = step.category === 'marketing';
  const { cap } = state.horizon;
  if (marketing && cap && windowCount(recipient, state.sentAt, cap, clock) >= cap.maxMessages) {
    state.journey.skipped.push({ stepId: step.id, reason: 'capped' });
    return moveTo(enrolment, advance(steps, index + 1, factsOf(enrolment), clock), clock);
  }
  state.journey.path.push(step.id);
  if (marketing) state.sentAt.push(clock.getTime());
  enrolment.lastSendAt = clock;
  enrolment.lastOpenedAt = recipient.opens ? clock : null;
  enrolment.lastClickedAt = recipient.clicks ? clock : null;
  // A conversion is recorded once per enrolment (progress/apply-progress.ts), so only after the first send.
  if (recipient.converts) enrolment.convertedAt ??= clock;
  return moveTo(enrolment, advance(steps, index + 1, factsOf(enrolment), clock), clock);
}

/** Marketing messages in the cap's window ending at `clock`: recorded (other campaigns) and simulated. */
function windowCount(recipient: RecipientHistory, sentAt: readonly number[], cap: FrequencyCap, clock: Date): number {
  const end = clock.getTime();
  const start = end - cap.windowDays * DAY_MS;
  const inWindow = (at: number) => at > start && at <= end;
  return recipient.marketingSendsAt.filter(inWindow).length + sentAt.filter(inWindow).length;
}
