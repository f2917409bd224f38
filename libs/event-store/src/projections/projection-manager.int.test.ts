import { randomUUID } from 'node:crypto';
import { uuidv7 } from '@bizosaas/event-schemas';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { outboxChannel } from '../schema/event-store-ddl.ts';
import { installProjection } from './install-projection.ts';
import { defineProjection } from './projection.ts';
import {
  createProjectionManager,
  type ProjectionManager,
  type ProjectionManagerOptions,
} from './projection-manager.ts';
import { leadApplicationsProjection } from './test-support/lead-applications-projection.ts';
import { leadListProjection } from './test-support/lead-list-projection.ts';
import { projectionFixture, waitFor, type ProjectionFixture } from './test-support/projection-fixture.ts';
import { withTransaction } from '@bizosaas/db';

let fx: ProjectionFixture;
const managers: ProjectionManager[] = [];

beforeAll(async () => {
  fx = await projectionFixture('projmgr', 10);
});
afterEach(async () => {
  await Promise.all(managers.splice(0).map((manager) => manager.stop()));
});
afterAll(async () => {
  await fx.drop();
});

function startManager(extra: Partial<ProjectionManagerOptions> = {}): Promise<ProjectionManager> {
  const manager = createProjectionManager({
    pool: fx.worker,
    schema: fx.schema,
    projections: [leadListProjection, leadApplicationsProjection],
    batchSize: 50,
    pollIntervalMs: 20,
    ...extra,
  });
  managers.push(manager);
  return manager.start().then(() => manager);
}

/** Waits until both projections have reached the last event of the log. */
async function caughtUp(): Promise<void> {
  const { rows } = await fx.worker.query<{ position: string }>(
    `SELECT global_position::text AS position FROM "${fx.schema}".events ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
  );
  const end = rows[0]?.position ?? '0';
  for (const name of ['lead_list', 'lead_applications']) {
    await waitFor(async () => (await fx.checkpoint(name))?.global_position === end, `${name} at ${end}`);
  }
}

async function applications(): Promise<Map<string, { applied: number; last_version: number }>> {
  const rows = await fx.rows('lead_applications', 'lead_id');
  return new Map(
    rows.map((row) => [
      row.lead_id as string,
      { applied: row.applied as number, last_version: row.last_version as number },
    ]),
  );
}

describe('createProjectionManager', () => {
  const tenants = [randomUUID(), randomUUID()];
  const leads = tenants.flatMap((tenantId) =>
    [uuidv7(), uuidv7(), uuidv7()].map((leadId, i) => ({ tenantId, leadId, versions: i + 1 })),
  );

  it('applies appended events of every tenant in commit order and moves the checkpoint', async () => {
    await startManager();
    for (const lead of leads) await fx.appendLead(lead.tenantId, lead.leadId, 0, lead.versions);
    await caughtUp();

    const list = await fx.rows('lead_list', 'lead_id');
    expect(list).toHaveLength(6);
    for (const lead of leads) {
      const row = list.find((r) => r.lead_id === lead.leadId);
      expect(row).toMatchObject({
        tenant_id: lead.tenantId,
        version: lead.versions,
        status: lead.versions === 1 ? 'new' : 'qualified',
      });
    }
    const counts = await fx.rows('lead_counts', 'tenant_id, status');
    expect(counts.map((c) => [c.tenant_id, c.status, c.leads])).toEqual(
      [...tenants].sort().flatMap((t) => [
        [t, 'new', 1],
        [t, 'qualified', 2],
      ]),
    );
    const applied = await applications();
    for (const lead of leads)
      expect(applied.get(lead.leadId)).toEqual({ applied: lead.versions, last_version: lead.versions });
  });

  it('does not re-apply anything after a restart, and picks up new events', async () => {
    const seen: unknown[] = [];
    await startManager({ onApplied: (name, events) => name === 'lead_applications' && seen.push(...events) });
    const first = leads[0];
    if (!first) throw new Error('no lead');
    await fx.appendLead(first.tenantId, first.leadId, first.versions, 1);
    await caughtUp();

    expect(seen).toHaveLength(1);
    const applied = await applications();
    for (const lead of leads) {
      const versions = lead === first ? lead.versions + 1 : lead.versions;
      expect(applied.get(lead.leadId)).toEqual({ applied: versions, last_version: versions });
    }
    first.versions += 1;
  });

  it('applies each event once with two replicas running', async () => {
    await Promise.all([startManager(), startManager()]);
    const more = Array.from({ length: 8 }, () => ({ tenantId: tenants[0] ?? '', leadId: uuidv7(), versions: 5 }));
    await Promise.all(more.map((lead) => fx.appendLead(lead.tenantId, lead.leadId, 0, lead.versions)));
    await caughtUp();

    const applied = await applications();
    for (const lead of more) expect(applied.get(lead.leadId)).toEqual({ applied: 5, last_version: 5 });
  });

  it('applies an event whose transaction commits after later ones', async () => {
    await startManager();
    const [late, early] = [uuidv7(), uuidv7()];
    const tenantId = tenants[1] ?? '';
    const client = await fx.app.connect();
    try {
      await client.query(`BEGIN; SELECT set_config('app.current_tenant_id', '${tenantId}', true)`);
      await fx.appendLead(tenantId, late, 0, 1, { client }); // inserted first (lower position and xid)...
      await fx.appendLead(tenantId, early, 0, 2); // ...but committed after these
      await new Promise((resolve) => setTimeout(resolve, 300));
      // The open transaction holds the readers back: nothing after it is applied yet.
      expect((await applications()).has(early)).toBe(false);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    await caughtUp();
    const applied = await applications();
    expect(applied.get(late)).toEqual({ applied: 1, last_version: 1 });
    expect(applied.get(early)).toEqual({ applied: 2, last_version: 2 });
  });

  it('retries a failing batch without skipping or repeating events', async () => {
    let failures = 3;
    const errors: unknown[] = [];
    const flaky = {
      ...leadApplicationsProjection,
      async apply(...args: Parameters<NonNullable<typeof leadApplicationsProjection.apply>>) {
        if (failures > 0 && args[1].aggregateVersion === 2) {
          failures -= 1;
          throw new Error('projection store hiccup');
        }
        await leadApplicationsProjection.apply?.(...args);
      },
    };
    await startManager({ projections: [leadListProjection, flaky], onError: (error) => errors.push(error) });
    const leadId = uuidv7();
    await fx.appendLead(tenants[0] ?? '', leadId, 0, 3);
    await caughtUp();

    expect(errors).toHaveLength(3);
    expect((await applications()).get(leadId)).toEqual({ applied: 3, last_version: 3 });
  });

  it('is woken by a notification (from the outbox notifier, after an append commits) long before its next poll', async () => {
    await startManager({ listenChannel: outboxChannel(fx.schema), pollIntervalMs: 600_000 });
    await caughtUp(); // the first round runs at start; after it the loops sleep for ten minutes
    const leadId = uuidv7();
    await fx.appendLead(tenants[0] ?? '', leadId, 0, 2, { outbox: true });
    await caughtUp();

    expect((await applications()).get(leadId)).toEqual({ applied: 2, last_version: 2 });
  });

  it('picks up an event held back by an unrelated open transaction when it ends, without a notification', async () => {
    await startManager({ listenChannel: outboxChannel(fx.schema), pollIntervalMs: 600_000 });
    await caughtUp();
    const unrelated = await fx.owner.connect();
    const leadId = uuidv7();
    try {
      await unrelated.query('BEGIN; SELECT pg_current_xact_id()'); // an xid older than the append's
      await fx.appendLead(tenants[0] ?? '', leadId, 0, 1, { outbox: true }); // its notification finds it held back
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect((await applications()).has(leadId)).toBe(false);
      await unrelated.query('COMMIT'); // no notification: the loop looks again by itself
    } finally {
      unrelated.release();
    }
    await caughtUp();

    expect((await applications()).get(leadId)).toEqual({ applied: 1, last_version: 1 });
  });

  it('lets the app role read its own tenant only, through the views', async () => {
    const [tenantA, tenantB] = tenants as [string, string];
    const visible = await withTransaction(
      fx.app,
      async (client) => {
        const { rows } = await client.query<{ tenant_id: string }>(`SELECT tenant_id FROM "${fx.schema}".lead_list`);
        return rows;
      },
      { tenantId: tenantA },
    );
    expect(visible.length).toBeGreaterThan(0);
    expect(visible.every((row) => row.tenant_id === tenantA)).toBe(true);
    const all = await fx.rows('lead_list', 'lead_id');
    expect(all.some((row) => row.tenant_id === tenantB)).toBe(true);
    // The generation's own table has the same row-level security.
    const direct = await withTransaction(
      fx.app,
      (client) =>
        client.query(`SELECT count(*)::int AS n FROM "${fx.schema}".lead_list_g1 WHERE tenant_id = $1`, [tenantA]),
      { tenantId: tenantB },
    );
    expect(direct.rows[0]).toEqual({ n: 0 });
  });

  it('keeps a read table without tenant_id private to the worker role', async () => {
    const totals = defineProjection({
      name: 'platform_totals',
      version: 1,
      tables: ['platform_totals'],
      handles: ['lead.created'],
      ddl: (t) => `CREATE TABLE ${t.platform_totals} (leads integer NOT NULL)`,
      apply: async () => {},
    });
    await installProjection(fx.worker, fx.schema, totals);

    await expect(fx.worker.query(`SELECT * FROM "${fx.schema}".platform_totals`)).resolves.toMatchObject({
      rowCount: 0,
    });
    await expect(
      withTransaction(fx.app, (client) => client.query(`SELECT * FROM "${fx.schema}".platform_totals`), {
        tenantId: tenants[0] ?? '',
      }),
    ).rejects.toMatchObject({ code: '42501' });
  });
});
