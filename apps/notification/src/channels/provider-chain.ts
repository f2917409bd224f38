import { ConsecutiveBreaker, circuitBreaker, handleAll, isBrokenCircuitError } from 'cockatiel';
import type { OutgoingMessage, ProviderAttempt, SendResult } from './channel.ts';

/** What a provider answers for one message; the chain adds the name, timing and breaker. */
export interface ProviderOutcome {
  outcome: 'accepted' | 'transient' | 'permanent';
  providerMessageId: string | null;
  response: string;
  /** Permanent only: the recipient opted out at the provider; the caller suppresses the address. */
  unsubscribed?: true;
}

/** One provider of a channel: thrown errors count as transient failures. */
export interface Provider {
  readonly name: string;
  send(message: OutgoingMessage): Promise<ProviderOutcome>;
}

export interface BreakerOptions {
  /** Consecutive transient failures that open a provider's breaker. Default 5. */
  failureThreshold?: number;
  /** How long an open breaker skips its provider before one probe goes through, ms. Default 30 s. */
  halfOpenAfterMs?: number;
}

export interface ChainOptions {
  breaker?: BreakerOptions;
  /** Stamps each attempt's startedAt. */
  now?: () => Date;
}

/** A provider behind its own circuit breaker: every call through it becomes one ProviderAttempt. */
export interface ProviderBreaker {
  readonly name: string;
  attempt(call: () => Promise<ProviderOutcome>): Promise<ProviderAttempt>;
}

export const MAX_RESPONSE_CHARS = 1_000;

/**
 * Wraps calls to one provider in a cockatiel ConsecutiveBreaker. Only transient outcomes and
 * thrown errors count against it: a permanent refusal says the address is bad, not the provider.
 * While the breaker is open the call is not made and the attempt is `breaker_open`.
 */
export function createProviderBreaker(name: string, options: ChainOptions = {}): ProviderBreaker {
  const now = options.now ?? (() => new Date());
  const policy = circuitBreaker(
    handleAll.orWhenResult((result) => (result as ProviderOutcome).outcome === 'transient'),
    {
      halfOpenAfter: options.breaker?.halfOpenAfterMs ?? 30_000,
      breaker: new ConsecutiveBreaker(options.breaker?.failureThreshold ?? 5),
    },
  );
  return {
    name,
    async attempt(call) {
      const startedAt = now();
      const started = performance.now();
      const outcome = await policy.execute(call).catch(failureOutcome);
      return {
        provider: name,
        outcome: outcome.outcome,
        providerMessageId: outcome.providerMessageId,
        response: outcome.response.slice(0, MAX_RESPONSE_CHARS),
        latencyMs: Math.round(performance.now() - started),
        startedAt,
        ...(outcome.unsubscribed && { unsubscribed: true as const }),
      };
    },
  };
}

function failureOutcome(error: unknown): Omit<ProviderAttempt, 'provider' | 'latencyMs' | 'startedAt'> {
  if (isBrokenCircuitError(error))
    return { outcome: 'breaker_open', providerMessageId: null, response: 'circuit breaker open: provider skipped' };
  return { outcome: 'transient', providerMessageId: null, response: describeError(error) };
}

/** `CODE: message` for an error, the value itself for anything else thrown. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && !error.message.startsWith(code) ? `${code}: ${error.message}` : error.message;
}

/**
 * Sends one message through providers in order, each behind its own breaker: the first that
 * accepts sends it; a permanent refusal ends the send (another provider would refuse the same
 * address); a transient failure or an open breaker moves on to the next provider.
 */
export function createProviderChain(
  providers: readonly Provider[],
  options: ChainOptions = {},
): (message: OutgoingMessage) => Promise<SendResult> {
  if (providers.length === 0) throw new Error('a provider chain needs at least one provider');
  const guarded = providers.map((provider) => ({ provider, breaker: createProviderBreaker(provider.name, options) }));
  return async (message) => {
    const attempts: ProviderAttempt[] = [];
    for (const { provider, breaker } of guarded) {
      const attempt = await breaker.attempt(() => provider.send(message));
      attempts.push(attempt);
      if (attempt.outcome === 'accepted') return { status: 'sent', attempts };
      if (attempt.outcome === 'permanent') return { status: 'permanent_failure', attempts };
    }
    return { status: 'transient_failure', attempts };
  };
}

/**
 * A message no provider can take (the channel is not configured, the destination is missing or
 * of another channel): one `permanent` attempt of provider `none` that names the reason.
 */
export function notSendable(response: string, startedAt: Date): SendResult {
  return {
    status: 'permanent_failure',
    attempts: [{ provider: 'none', outcome: 'permanent', providerMessageId: null, response, latencyMs: 0, startedAt }],
  };
}
