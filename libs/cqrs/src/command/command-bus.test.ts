import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { createInMemoryIdempotencyStore } from '../idempotency/in-memory-idempotency-store.ts';
import { defineCommand } from './command-definition.ts';
import { createCommandBus } from './command-bus.ts';
import type { CommandMiddleware } from './middleware.ts';

const now = new Date('2025-03-01T10:00:00Z');
const ping = defineCommand({ type: 'ping', schema: z.object({ n: z.number() }), handle: async (c) => ({ pong: c.data.n }) });

describe('command bus', () => {
  it('routes each command to the handler of its type', async () => {
    const bus = createCommandBus()
      .register(ping)
      .register(defineCommand({ type: 'echo', schema: z.object({ text: z.string() }), handle: async (c) => c.data.text }));
    expect(await bus.execute({ type: 'ping', data: { n: 2 }, metadata: { now } })).toEqual({ pong: 2 });
    expect(await bus.execute({ type: 'echo', data: { text: 'hi' }, metadata: { now } })).toBe('hi');
  });

  it('types data and result by command type', () => {
    const bus = createCommandBus().register(ping);
    type Execute = typeof bus.execute<'ping'>;
    expectTypeOf<Parameters<Execute>[0]['data']>().toEqualTypeOf<{ n: number }>();
    expectTypeOf<Awaited<ReturnType<Execute>>>().toEqualTypeOf<{ pong: number }>();
  });

  it('refuses unknown and duplicate command types', async () => {
    const bus = createCommandBus().register(ping);
    await expect(bus.execute({ type: 'pong' as 'ping', data: { n: 1 }, metadata: { now } })).rejects.toThrow('No handler registered for command "pong"');
    expect(() => bus.register(ping)).toThrow('Command "ping" is already registered');
  });

  it('runs extra middlewares outermost, then idempotency outside the retries', async () => {
    const seen: string[] = [];
    const trace: CommandMiddleware = async (command, next, definition) => {
      seen.push(`before ${definition.type}`);
      const result = await next(command);
      seen.push(`after ${command.type}`);
      return result;
    };
    let attempts = 0;
    const flaky = defineCommand({
      type: 'flaky',
      schema: z.object({}),
      handle: async () => {
        attempts += 1;
        if (attempts === 1) throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
        return { attempts };
      },
    });
    const bus = createCommandBus({
      middlewares: [trace],
      idempotencyStore: createInMemoryIdempotencyStore(),
      transientRetry: { initialDelayMs: 1, maxDelayMs: 2 },
    }).register(flaky);
    const command = { type: 'flaky' as const, data: {}, metadata: { now, idempotencyKey: 'k' } };
    expect(await bus.execute(command)).toEqual({ attempts: 2 });
    expect(await bus.execute(command)).toEqual({ attempts: 2 });
    expect(attempts).toBe(2);
    expect(seen).toEqual(['before flaky', 'after flaky', 'before flaky', 'after flaky']);
  });
});
