import { randomUUID } from 'node:crypto';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMigration, serviceTarget } from '@bizosaas/db/migrations';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createEventStore } from '../store/create-event-store.ts';
import { leadEvents } from '../store/test-support.ts';
import { eventStoreSchemaOf } from './service-schema.ts';

const app = new pg.Pool({ connectionString: inject('appDatabaseUrl'), max: 2 });
afterAll(() => app.end());

// The test database is migrated with every service's migrations (vitest globalSetup).
describe('a service event store, from its migration (npm run db:event-store-migration)', () => {
  it('lives in <schema>_event_store, where the app role appends and reads back its tenant only', async () => {
    const schema = eventStoreSchemaOf('domain_repository');
    expect(schema).toBe('domain_repository_event_store');
    const store = createEventStore({ schema });
    const [tenantId, aggregateId] = [randomUUID(), randomUUID()];
    await store.appendInOwnTransaction(app, {
      tenantId,
      aggregateType: 'lead',
      aggregateId,
      expectedVersion: 0,
      events: leadEvents(tenantId, aggregateId, 0, 2),
    });

    const read = (tenant: string) =>
      store.transaction(app, tenant, (client) => store.readStream(client, { aggregateType: 'lead', aggregateId }));
    expect((await read(tenantId)).map((event) => event.aggregateVersion)).toEqual([1, 2]);
    expect(await read(randomUUID())).toEqual([]);
  });

  it('stays out of the Prisma diff: db:create-migration finds nothing to change (it would drop unknown tables)', async () => {
    // On a copy: were there changes, createMigration would write a migration.
    const prismaDir = await mkdtemp(join(tmpdir(), 'bizosaas-es-diff-'));
    try {
      await cp(serviceTarget('domain-repository').prismaDir, prismaDir, { recursive: true });
      const target = { ...serviceTarget('domain-repository'), prismaDir };
      expect(await createMigration({ url: inject('ownerDatabaseUrl'), target, name: 'probe' })).toEqual({
        status: 'no-changes',
      });
    } finally {
      await rm(prismaDir, { recursive: true, force: true });
    }
  }, 60_000);
});
