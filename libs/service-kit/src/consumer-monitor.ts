import { groupStats, type Consumer, type ConsumerSignal } from '@bizosaas/messaging';
import type { Redis } from 'ioredis';
import { Counter, Gauge, type Registry } from 'prom-client';
import { ComponentDownError, type ComponentReport, type ReadinessCheck } from './probes.ts';

type Monitored = Pick<Consumer, 'status'>;

export interface ConsumerMonitor {
  /** Adds a started consumer to `/ready` and the paused gauge. */
  track(consumer: Monitored): void;
  /** Chain into a consumer's onSignal: counts its pauses. */
  observe(signal: ConsumerSignal, group: string): void;
  /**
   * `/ready` component: each tracked consumer's group, stream, lag and pending count (XINFO
   * GROUPS, one round trip) and pause; down while one is paused.
   */
  check: ReadinessCheck;
  /** Exposes `consumers_paused` and `consumer_pauses_total` (by group) on the service's registry; before the consumers start. */
  register(registry: Registry): void;
}

/**
 * What a service shows of its stream consumers. A paused consumer makes `/ready` answer 503:
 * a consumer pauses only while its health check fails, i.e. a dependency of this service is
 * down, and stays paused no longer than that.
 */
export function createConsumerMonitor(redis: Redis): ConsumerMonitor {
  const consumers: Monitored[] = [];
  let pauses: Counter<'group'> | undefined;
  const statuses = () => consumers.map((consumer) => consumer.status());
  return {
    track: (consumer) => void consumers.push(consumer),
    observe(signal, group) {
      if (signal.kind === 'paused') pauses?.inc({ group });
    },
    async check(): Promise<ComponentReport> {
      const current = statuses();
      const subjects = current.flatMap(({ group, streams }) => streams.map((stream) => ({ group, stream })));
      const stats = await groupStats(redis, subjects);
      const groups = stats.map((stat) => {
        const paused = current.find(
          ({ group, streams }) => group === stat.group && streams.includes(stat.stream),
        )?.paused;
        return { ...stat, ...(paused ? { paused } : {}) };
      });
      const paused = groups.filter((group) => 'paused' in group);
      if (paused.length > 0) {
        throw new ComponentDownError(
          `paused by a dependency outage: ${[...new Set(paused.map((group) => group.group))].join(', ')}`,
          { groups },
        );
      }
      return { details: { groups } };
    },
    register(registry) {
      new Gauge({
        name: 'consumers_paused',
        help: 'Stream consumers paused by a dependency outage, by group',
        labelNames: ['group'],
        registers: [registry],
        collect() {
          this.reset();
          for (const { group, paused } of statuses()) this.inc({ group }, paused ? 1 : 0);
        },
      });
      pauses = new Counter({
        name: 'consumer_pauses_total',
        help: 'Pauses of stream consumers caused by a dependency outage, by group',
        labelNames: ['group'],
        registers: [registry],
      });
    },
  };
}
