import { LlmError } from '../llm/chat.ts';
import { CrewError } from '../crews/crew.ts';

/** Why a run ended without a result: the code the analysis fails with, and whether asking again may help. */
export interface FailureInfo {
  code: string;
  message: string;
  retryable: boolean;
}

/** A failure the runner decides (budgets, loops, cancellation, replays that diverge). */
export class RunFailure extends Error {
  constructor(
    readonly code:
      | 'BUDGET_EXCEEDED'
      | 'DEADLINE_EXCEEDED'
      | 'QUOTA_EXCEEDED'
      | 'LOOP_DETECTED'
      | 'LLM_NOT_CONFIGURED'
      | 'REPLAY_DIVERGED'
      | 'CANCELLED'
      | 'ATTEMPTS_EXHAUSTED',
    message: string,
    readonly retryable = false,
  ) {
    super(message);
    this.name = 'RunFailure';
  }
}

/**
 * The run stopped because it is no longer this replica's (cancelled, or taken over after the
 * lease ran out): nothing more is written by this owner.
 */
export class RunLost extends Error {
  constructor(analysisId: string) {
    super(`analysis ${analysisId} is no longer run by this replica`);
    this.name = 'RunLost';
  }
}

/** The run waits for a person (an approval): it is released, not failed. */
export class RunSuspended extends Error {
  constructor(readonly approvalId: string) {
    super(`waiting for approval ${approvalId}`);
    this.name = 'RunSuspended';
  }
}

/** The failure an error becomes; anything unexpected is INTERNAL_ERROR, retryable. */
export function failureOf(error: unknown): FailureInfo {
  if (error instanceof RunFailure || error instanceof CrewError || error instanceof LlmError)
    return { code: error.code, message: error.message.slice(0, 2000), retryable: error.retryable };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL_ERROR', message: message.slice(0, 2000), retryable: true };
}
