// A PlatformClient over an in-memory handler for crew tests: the port's behaviour (status
// expected, else PlatformCallError, transient for 5xx) without HTTP.
import { PlatformCallError, type PlatformCallOptions, type PlatformClient } from '@bizosaas/platform-client';

export interface FakeCall {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  correlationId?: string | undefined;
}

export type FakeAnswer = { status: number; body: unknown };

export function fakePlatform(handle: (call: FakeCall) => FakeAnswer): PlatformClient & { calls: FakeCall[] } {
  const calls: FakeCall[] = [];
  const answer = (call: FakeCall, expected: number) => {
    calls.push(call);
    const { status, body } = handle(call);
    if (status === expected) return Promise.resolve(structuredClone(body));
    const text = JSON.stringify(body);
    return Promise.reject(new PlatformCallError(`fake answered ${status}: ${text}`, status, text, status >= 500));
  };
  return {
    calls,
    get: (_tenantId, path, expected, _signal, options: PlatformCallOptions = {}) =>
      answer({ method: 'GET', path, correlationId: options.correlationId }, expected),
    post: (_tenantId, path, body, expected, _signal, options: PlatformCallOptions = {}) =>
      answer({ method: 'POST', path, body, correlationId: options.correlationId }, expected),
    close: () => Promise.resolve(),
  };
}

/** A domain-repository answering nothing: a test that must not make a call. */
export const noPlatform = (): PlatformClient =>
  fakePlatform((call) => {
    throw new Error(`unexpected call ${call.method} ${call.path}`);
  });
