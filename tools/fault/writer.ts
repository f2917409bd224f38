// The fault run's writer: lead.created events appended at a steady rate, each on a new stream,
// through the event store as domain-repository's creates append (one autocommitted statement).
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createEventStore } from '@bizosaas/event-store';
import { createEvent, uuidv7 } from '@bizosaas/event-schemas';
import type pg from 'pg';

/** Appends `rate` lead.created events per second, each on a new stream, until stopped. */
export function startWriter(app: pg.Pool, schema: string, rate: number) {
  const store = createEventStore({ schema, namespace: schema });
  const tenants = Array.from({ length: 10 }, () => randomUUID());
  const acknowledged: string[] = [];
  const inFlight = new Set<Promise<void>>();
  let failed = 0;
  let issued = 0;
  let stopping = false;
  const began = performance.now();
  const loop = (async () => {
    while (!stopping) {
      const due = Math.floor(((performance.now() - began) / 1000) * rate);
      // Open loop, but bounded: during an outage appends fail fast (connection refused) or time out.
      for (; issued < due && inFlight.size < 200; issued += 1) {
        const tenantId = tenants[issued % tenants.length]!;
        const event = createEvent({
          type: 'lead.created',
          tenantId,
          aggregateId: uuidv7(),
          aggregateVersion: 1,
          actor: { type: 'system', id: 'fault-run' },
          data: {
            contact: {
              email: 'lead@example.com',
              firstName: 'Jane',
              lastName: null,
              phone: null,
              company: null,
              jobTitle: null,
            },
            source: 'api',
            utmParameters: {},
            campaignId: null,
          },
        });
        const append = store
          .appendInOwnTransaction(app, {
            tenantId,
            aggregateType: 'lead',
            aggregateId: event.aggregateId,
            expectedVersion: 0,
            events: [event],
          })
          .then(
            () => void acknowledged.push(event.id),
            () => void (failed += 1),
          );
        inFlight.add(append);
        void append.finally(() => inFlight.delete(append));
      }
      issued = Math.max(issued, due - rate); // after an outage, do not fire more than a second's worth at once
      await sleep(5);
    }
  })();
  return {
    async stop() {
      stopping = true;
      await loop;
      await Promise.all(inFlight);
      return { acknowledged, failed };
    },
  };
}
