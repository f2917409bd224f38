import { createService } from '@bizosaas/service-kit';
import { describe, expect, it } from 'vitest';
import { startDeliveryLoop } from '../webhooks/delivery-loop.ts';
import { createBackgroundHealth, defaultStaleAfterMs } from './background-readiness.ts';
import { createWorkerHealth, observeConsumer } from './worker-health.ts';

const clock = () => {
  let at = 1_000_000;
  return { now: () => at, advance: (ms: number) => void (at += ms) };
};

describe('worker health', () => {
  it('is down before start and after stop, up while running', async () => {
    const health = createWorkerHealth({ name: 'delivery loop', staleAfterMs: 1_000, expectPasses: true });
    await expect(health.check()).rejects.toThrow('delivery loop: not started');
    health.started();
    await expect(health.check()).resolves.toBeUndefined();
    health.stopped();
    await expect(health.check()).rejects.toThrow('delivery loop: stopped');
  });

  it('reports a loop without a completed pass for longer than the bound, with the last error, until a pass completes', async () => {
    const time = clock();
    const health = createWorkerHealth({
      name: 'delivery loop',
      staleAfterMs: 1_000,
      expectPasses: true,
      now: time.now,
    });
    health.started();
    time.advance(1_000);
    await expect(health.check()).resolves.toBeUndefined();
    health.failed(new Error('connection terminated'));
    time.advance(1);
    await expect(health.check()).rejects.toThrow(
      'delivery loop: no pass completed for 1001 ms (last error: connection terminated)',
    );
    health.succeeded();
    await expect(health.check()).resolves.toBeUndefined();
  });

  it('lets a consumer stay silent while no events come, but not fail for longer than the bound', async () => {
    const time = clock();
    const health = createWorkerHealth({ name: 'fan-out', staleAfterMs: 1_000, expectPasses: false, now: time.now });
    health.started();
    time.advance(60_000);
    await expect(health.check()).resolves.toBeUndefined();
    observeConsumer(health, { kind: 'batch_failed', size: 3, error: new Error('deadlock detected') });
    time.advance(1_000);
    await expect(health.check()).resolves.toBeUndefined();
    time.advance(1);
    await expect(health.check()).rejects.toThrow('fan-out: failing for 1001 ms (last error: deadlock detected)');
    observeConsumer(health, { kind: 'error', error: new Error('redis down') }); // Redis has its own component
    await expect(health.check()).rejects.toThrow('deadlock detected');
    observeConsumer(health, { kind: 'dead_lettered', delivery: {} as never, reason: 'max deliveries' });
    await expect(health.check()).resolves.toBeUndefined();
  });

  it('defaults the bound above two webhook timeouts and three polls', () => {
    expect(defaultStaleAfterMs({ EVENTBUS_WEBHOOK_TIMEOUT_MS: 10_000, EVENTBUS_DELIVERY_POLL_MS: 1_000 })).toBe(33_000);
  });
});

describe('/ready with the background workers', () => {
  it('names delivery-worker (503 NOT_READY) once the delivery loop is stopped', async () => {
    const health = createBackgroundHealth({ staleAfterMs: 60_000 });
    const app = await createService({ name: 'event-bus', logLevel: 'silent', readiness: health.readiness });
    const loop = startDeliveryLoop({
      runDue: async () => [],
      pollMs: 10,
      onError: () => {},
      onPass: () => health.deliveryLoop.succeeded(),
    });
    try {
      for (const worker of [health.deliveryLoop, health.fanOut, health.archive]) worker.started();
      const ready = await app.inject({ url: '/ready' });
      expect(ready.statusCode).toBe(200);
      expect(Object.keys(ready.json().components).sort()).toEqual(['archive', 'delivery-worker']);

      await loop.stop();
      health.deliveryLoop.stopped();
      const res = await app.inject({ url: '/ready' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({
        error: 'NOT_READY',
        message: 'Not ready: delivery-worker unavailable',
        details: {
          down: ['delivery-worker'],
          components: {
            'delivery-worker': { status: 'down', error: 'delivery loop: stopped' },
            archive: { status: 'up' },
          },
        },
      });
    } finally {
      await loop.stop();
      await app.close();
    }
  });
});
