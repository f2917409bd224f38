import { DateTime } from 'luxon';
import type { PlanStep } from '../plans/plan-schema.ts';

/** What is known of a recipient when its next step is decided. */
export interface RecipientFacts {
  /** The recipient's IANA zone, when known (local-time waits use it, else the step's zone). */
  timezone: string | null;
  /** The plan's latest send to this recipient: when it left, and what the recipient did with it. */
  lastSend: { at: Date; openedAt: Date | null; clickedAt: Date | null } | null;
  convertedAt: Date | null;
}

/** Send step `index` now; come back to step `index` at `dueAt`; or the journey is over. */
export type Next = { type: 'send'; index: number } | { type: 'due'; index: number; dueAt: Date } | { type: 'done' };

/**
 * Walks the plan from step `from` at `now`: a wait becomes a due time (fixed hours, or the next
 * local time of day in the recipient's zone), a branch whose event happened (or whose window
 * ended) jumps to its target, an undecided branch is due when its window ends. Pure: the caller
 * stores the answer as the enrolment's step and due time, which is what makes waits durable.
 */
export function advance(steps: readonly PlanStep[], from: number, facts: RecipientFacts, now: Date): Next {
  let index = from;
  // Branches only jump forward, so the walk ends within steps.length moves.
  while (index < steps.length) {
    const step = steps[index]!;
    if (step.type === 'send') return { type: 'send', index };
    if (step.type === 'wait') return { type: 'due', index: index + 1, dueAt: waitEnd(step, facts, now) };
    const outcome = branchOutcome(step, facts, now);
    if (outcome === 'undecided')
      return { type: 'due', index, dueAt: new Date(facts.lastSend!.at.getTime() + step.withinHours * 3_600_000) };
    const target = outcome ? step.then : step.otherwise;
    if (target === null) return { type: 'done' };
    index = steps.findIndex((candidate) => candidate.id === target);
  }
  return { type: 'done' };
}

function waitEnd(step: Extract<PlanStep, { type: 'wait' }>, facts: RecipientFacts, now: Date): Date {
  if (step.hours !== undefined) return new Date(now.getTime() + step.hours * 3_600_000);
  const [hour, minute] = step.untilLocalTime!.split(':').map(Number) as [number, number];
  const zone = facts.timezone && DateTime.local({ zone: facts.timezone }).isValid ? facts.timezone : step.timezone;
  const local = DateTime.fromJSDate(now, { zone });
  let at = local.set({ hour, minute, second: 0, millisecond: 0 });
  if (at <= local) at = at.plus({ days: 1 }).set({ hour, minute });
  return at.toJSDate();
}

/** true/false once decided; undecided while the window is open and nothing happened yet. */
function branchOutcome(
  step: Extract<PlanStep, { type: 'branch' }>,
  facts: RecipientFacts,
  now: Date,
): boolean | 'undecided' {
  const send = facts.lastSend;
  if (!send) return false;
  const windowEnd = send.at.getTime() + step.withinHours * 3_600_000;
  const happenedAt = step.on === 'opened' ? send.openedAt : step.on === 'clicked' ? send.clickedAt : facts.convertedAt;
  if (happenedAt && happenedAt.getTime() >= send.at.getTime() && happenedAt.getTime() <= windowEnd) return true;
  return now.getTime() >= windowEnd ? false : 'undecided';
}
