import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { OutgoingMessage } from './channel.ts';
import { createProviderChain, notSendable, type Provider, type ProviderOutcome } from './provider-chain.ts';

const message = (): OutgoingMessage => ({
  messageId: randomUUID(),
  tenantId: randomUUID(),
  destination: { channel: 'email', address: 'ada@example.com' },
  subject: 'Hello',
  body: '<p>Hi</p>',
});

/** A provider answering from a script (one answer per call, the last repeated), counting its calls. */
function scripted(name: string, ...answers: (ProviderOutcome | Error)[]): Provider & { calls: number } {
  const provider = {
    name,
    calls: 0,
    async send() {
      const answer = answers[Math.min(provider.calls, answers.length - 1)]!;
      provider.calls += 1;
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
  return provider;
}

const accepted = (id = 'id-1'): ProviderOutcome => ({ outcome: 'accepted', providerMessageId: id, response: '250 OK' });
const transient: ProviderOutcome = { outcome: 'transient', providerMessageId: null, response: '451 try later' };
const permanent: ProviderOutcome = { outcome: 'permanent', providerMessageId: null, response: '550 no such user' };

describe('createProviderChain', () => {
  it('sends through the first provider that accepts and records one attempt', async () => {
    const first = scripted('first', accepted('m-1'));
    const second = scripted('second', accepted('m-2'));
    const result = await createProviderChain([first, second])(message());
    expect(result.status).toBe('sent');
    expect(result.attempts).toEqual([
      expect.objectContaining({ provider: 'first', outcome: 'accepted', providerMessageId: 'm-1', response: '250 OK' }),
    ]);
    expect(result.attempts[0]!.startedAt).toBeInstanceOf(Date);
    expect(result.attempts[0]!.latencyMs).toBeGreaterThanOrEqual(0);
    expect(second.calls).toBe(0);
  });

  it('moves on after a transient answer or a thrown error, recording every try', async () => {
    const down = scripted('down', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ESOCKET' }));
    const busy = scripted('busy', transient);
    const spare = scripted('spare', accepted('m-3'));
    const result = await createProviderChain([down, busy, spare])(message());
    expect(result.status).toBe('sent');
    expect(result.attempts.map((attempt) => [attempt.provider, attempt.outcome])).toEqual([
      ['down', 'transient'],
      ['busy', 'transient'],
      ['spare', 'accepted'],
    ]);
    expect(result.attempts[0]!.response).toBe('ESOCKET: connect ECONNREFUSED 127.0.0.1:1');
  });

  it('stops at a permanent refusal: another provider would refuse the same address', async () => {
    const refusing = scripted('refusing', permanent);
    const spare = scripted('spare', accepted());
    const result = await createProviderChain([refusing, spare])(message());
    expect(result).toMatchObject({
      status: 'permanent_failure',
      attempts: [{ provider: 'refusing', outcome: 'permanent', response: '550 no such user' }],
    });
    expect(spare.calls).toBe(0);
  });

  it('fails transiently when every provider fails transiently', async () => {
    const result = await createProviderChain([scripted('a', transient), scripted('b', new Error('boom'))])(message());
    expect(result.status).toBe('transient_failure');
    expect(result.attempts.map((attempt) => attempt.outcome)).toEqual(['transient', 'transient']);
  });

  it('opens a provider breaker after consecutive transient failures and skips it without calling', async () => {
    const flaky = scripted('flaky', transient);
    const spare = scripted('spare', accepted());
    const send = createProviderChain([flaky, spare], { breaker: { failureThreshold: 3, halfOpenAfterMs: 60_000 } });
    for (let i = 0; i < 3; i += 1) await send(message());
    expect(flaky.calls).toBe(3);

    const result = await send(message());
    expect(result.status).toBe('sent');
    expect(result.attempts.map((attempt) => [attempt.provider, attempt.outcome])).toEqual([
      ['flaky', 'breaker_open'],
      ['spare', 'accepted'],
    ]);
    expect(flaky.calls).toBe(3);
  });

  it('does not count permanent refusals against the breaker', async () => {
    const strict = scripted('strict', permanent);
    const send = createProviderChain([strict], { breaker: { failureThreshold: 2, halfOpenAfterMs: 60_000 } });
    for (let i = 0; i < 5; i += 1) expect((await send(message())).attempts[0]!.outcome).toBe('permanent');
    expect(strict.calls).toBe(5);
  });

  it('lets one probe through once the breaker half-opens, and closes again when it succeeds', async () => {
    const recovering = scripted('recovering', transient, transient, accepted('back'));
    const send = createProviderChain([recovering], { breaker: { failureThreshold: 2, halfOpenAfterMs: 50 } });
    await send(message());
    await send(message());
    expect((await send(message())).attempts[0]!.outcome).toBe('breaker_open');

    let result = await send(message());
    while (result.attempts[0]!.outcome === 'breaker_open') {
      await new Promise((resolve) => setTimeout(resolve, 20));
      result = await send(message());
    }
    expect(result).toMatchObject({ status: 'sent', attempts: [{ providerMessageId: 'back' }] });
    expect(recovering.calls).toBe(3);
  });

  it('keeps at most 1,000 characters of a response and stamps attempts with the injected clock', async () => {
    const at = new Date('2031-05-06T07:08:09.000Z');
    const verbose = scripted('verbose', { outcome: 'transient', providerMessageId: null, response: 'x'.repeat(5_000) });
    const result = await createProviderChain([verbose], { now: () => at })(message());
    expect(result.attempts[0]!.response).toHaveLength(1_000);
    expect(result.attempts[0]!.startedAt).toEqual(at);
  });

  it('refuses to build a chain without providers', () => {
    expect(() => createProviderChain([])).toThrow('at least one provider');
  });
});

describe('notSendable', () => {
  it('is a permanent failure with one attempt of provider none naming the reason', () => {
    const at = new Date('2031-01-01T00:00:00.000Z');
    expect(notSendable('SMS is not configured', at)).toEqual({
      status: 'permanent_failure',
      attempts: [
        {
          provider: 'none',
          outcome: 'permanent',
          providerMessageId: null,
          response: 'SMS is not configured',
          latencyMs: 0,
          startedAt: at,
        },
      ],
    });
  });
});
