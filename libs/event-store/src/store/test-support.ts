import { randomUUID } from 'node:crypto';
import { createEvent, uuidv7, type DomainEvent } from '@bizosaas/event-schemas';
import pg from 'pg';
import { inject } from 'vitest';
import { eventStoreDdl } from '../schema/event-store-ddl.ts';

/** Helpers for this lib's integration tests (not exported from the package). */

export interface Scratch {
  schema: string;
  app: pg.Pool;
  worker: pg.Pool;
  owner: pg.Pool;
  /** Ends the pools and drops the schema. */
  drop(): Promise<void>;
}

/**
 * A schema of its own for one test file, with the event-store tables installed by the owner,
 * and pools for the app role (RLS by tenant) and the worker role (across tenants).
 */
export async function scratchSchema(label: string, poolMax = 5): Promise<Scratch> {
  const schema = `es_${label}_${randomUUID().slice(0, 8)}`;
  const owner = new pg.Pool({ connectionString: inject('ownerDatabaseUrl'), max: 2 });
  await owner.query(eventStoreDdl(schema));
  const app = new pg.Pool({ connectionString: inject('appDatabaseUrl'), max: poolMax });
  const worker = new pg.Pool({ connectionString: inject('workerDatabaseUrl'), max: poolMax });
  return {
    schema,
    app,
    worker,
    owner,
    async drop() {
      await Promise.all([app.end(), worker.end()]);
      await owner.query(`DROP SCHEMA "${schema}" CASCADE`);
      await owner.end();
    },
  };
}

export const userActor = { type: 'user', id: '7a1c3e5f-2b4d-4f6a-8c0e-1d3f5a7b9c2e' } as const;

/** `lead.created` at version 1, `lead.qualified` (score = version) after it. */
export function leadEvent(
  tenantId: string,
  aggregateId: string,
  version: number,
  causedBy?: { id: string; correlationId: string },
): DomainEvent {
  const base = {
    tenantId,
    aggregateId,
    aggregateVersion: version,
    actor: userActor,
    ...(causedBy ? { causedBy } : {}),
  };
  if (version === 1) {
    return createEvent({
      ...base,
      type: 'lead.created',
      data: {
        contact: {
          email: 'jane@example.com',
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
  }
  return createEvent({
    ...base,
    type: 'lead.qualified',
    data: {
      score: { totalScore: version % 101, behavioralScore: null, demographicScore: null, firmographicScore: null },
      method: 'manual',
      analysisId: null,
      notes: null,
    },
  });
}

/** Events for versions from + 1 .. from + count of one lead stream. */
export function leadEvents(tenantId: string, aggregateId: string, from: number, count: number): DomainEvent[] {
  return Array.from({ length: count }, (_, index) => leadEvent(tenantId, aggregateId, from + index + 1));
}

export const newTenant = () => randomUUID();
export const newAggregateId = () => uuidv7();
