import { randomUUID } from 'node:crypto';
import { uuidv7 } from '@bizosaas/event-schemas';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AnyProjection } from './projection.ts';
import type pg from 'pg';
import { createProjectionManager, type ProjectionManager } from './projection-manager.ts';
import { rebuildProjection, type RebuildVerifier } from './rebuild-projection.ts';
import { leadListProjection } from './test-support/lead-list-projection.ts';
import { projectionFixture, waitFor, type ProjectionFixture } from './test-support/projection-fixture.ts';
import { withTransaction } from '@bizosaas/db';

let fx: ProjectionFixture;
let manager: ProjectionManager | undefined;
const tenants = [randomUUID(), randomUUID(), randomUUID()];
let eventCount = 0;

beforeAll(async () => {
  fx = await projectionFixture('projrebuild', 10);
  for (const [t, tenantId] of tenants.entries()) {
    for (let i = 0; i < 15; i += 1) {
      const versions = 1 + ((i + t) % 4);
      await fx.appendLead(tenantId, uuidv7(), 0, versions);
      eventCount += versions;
    }
  }
});
afterEach(async () => {
  await manager?.stop();
  manager = undefined;
});
afterAll(async () => {
  await fx.drop();
});

async function start(projection: AnyProjection = leadListProjection): Promise<ProjectionManager> {
  manager = createProjectionManager({
    pool: fx.worker,
    schema: fx.schema,
    projections: [projection],
    batchSize: 40,
    rebuildBatchSize: 25,
    pollIntervalMs: 20,
  });
  await manager.start();
  return manager;
}

async function caughtUp(): Promise<void> {
  const { rows } = await fx.worker.query<{ position: string }>(
    `SELECT global_position::text AS position FROM "${fx.schema}".events ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
  );
  await waitFor(
    async () => (await fx.checkpoint('lead_list'))?.global_position === rows[0]?.position,
    'lead_list caught up',
  );
}

const contents = async () => ({
  list: await fx.rows('lead_list', 'lead_id'),
  counts: await fx.rows('lead_counts', 'tenant_id, status'),
});
const tableExists = async (name: string) =>
  (await fx.worker.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [`"${fx.schema}".${name}`])).rows[0]
    ?.t != null;

/** The sample projection, held at `gate` when writing to the tables of generation `generation`. */
function gated(generation: number, gate: Promise<void>, reached: () => void): typeof leadListProjection {
  return {
    ...leadListProjection,
    async applyBatch(client, events, tables) {
      if (tables.lead_list.endsWith(`_g${generation}"`)) {
        reached();
        await gate;
      }
      await leadListProjection.applyBatch?.(client, events, tables);
    },
  };
}

describe('rebuildProjection', () => {
  it('rebuilds from scratch into new tables equal to the live ones, then drops the old ones', async () => {
    const live = await start();
    await caughtUp();
    const before = await contents();
    expect(before.list).toHaveLength(45);

    const result = await live.rebuild('lead_list');

    expect(result).toMatchObject({ generation: 2, read: eventCount, applied: eventCount });
    expect(await contents()).toEqual(before);
    expect(await fx.checkpoint('lead_list')).toMatchObject({ generation: 2, version: 1 });
    expect(await tableExists('lead_list_g1')).toBe(false);
    expect(await tableExists('lead_list_g2')).toBe(true);
  });

  it('keeps serving and updating the old generation during a rebuild, then swaps atomically', async () => {
    let open = () => {};
    let reachedGate = false;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const live = await start(gated(3, gate, () => (reachedGate = true)));
    await caughtUp();
    const rebuilding = live.rebuild('lead_list');
    await waitFor(() => reachedGate, 'the rebuild to start copying');
    await expect(live.rebuild('lead_list')).rejects.toThrow(/already running/);

    // New events during the rebuild reach the serving generation (g2) through the live loop.
    const tenantId = tenants[0] ?? '';
    const newLead = uuidv7();
    await fx.appendLead(tenantId, newLead, 0, 2);
    await caughtUp();
    const served = await contents();
    expect(served.list.find((row) => row.lead_id === newLead)).toMatchObject({ status: 'qualified', version: 2 });
    expect(await tableExists('lead_list_g3')).toBe(true);

    // Readers (app role, one tenant) run without pause across the swap and never fail.
    const seen: number[] = [];
    let reading = true;
    const reader = (async () => {
      while (reading) {
        const { rows } = await withTransaction(
          fx.app,
          (client) => client.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${fx.schema}".lead_list`),
          { tenantId },
        );
        seen.push(rows[0]?.n ?? -1);
      }
    })();
    open();
    const result = await rebuilding;
    reading = false;
    await reader;

    expect(result.generation).toBe(3);
    expect(await contents()).toEqual(served);
    expect(new Set(seen)).toEqual(new Set([16]));
    expect(await fx.checkpoint('lead_list')).toMatchObject({ generation: 3, version: 1 });
    expect(await tableExists('lead_list_g2')).toBe(false);
  });

  it('drops the new tables of a failed rebuild; the old generation serves on', async () => {
    const failing: typeof leadListProjection = {
      ...leadListProjection,
      async applyBatch(client, events, tables) {
        if (tables.lead_list.endsWith('_g4"')) throw new Error('bad projection code');
        await leadListProjection.applyBatch?.(client, events, tables);
      },
    };
    const live = await start(failing);
    const before = await contents();

    await expect(live.rebuild('lead_list')).rejects.toThrow('bad projection code');

    expect(await tableExists('lead_list_g4')).toBe(false);
    expect(await fx.checkpoint('lead_list')).toMatchObject({ generation: 3 });
    expect(await contents()).toEqual(before);
  });

  it('rebuilds on start when the definition version changed', async () => {
    const v2: AnyProjection = {
      ...leadListProjection,
      version: 2,
      ddl: (tables) => `${leadListProjection.ddl(tables)}
        ALTER TABLE ${tables.lead_list} ADD COLUMN shape text NOT NULL DEFAULT 'v2';`,
    };
    const before = await contents();
    await start(v2);
    await waitFor(async () => (await fx.checkpoint('lead_list'))?.version === 2, 'the version 2 tables to serve');

    const after = await contents();
    expect(after.list.map(({ shape, ...row }) => (expect(shape).toBe('v2'), row))).toEqual(before.list);
    expect(after.counts).toEqual(before.counts);
    expect(await fx.checkpoint('lead_list')).toMatchObject({ generation: 4, version: 2 });
  });

  it('verifies the rebuilt tables against the serving ones at one position before the swap; a failed check keeps the old', async () => {
    const live = await start();
    await caughtUp();
    await live.stop();
    const leads = (await contents()).list.length;
    // Appended while no live loop runs: the serving generation is behind the copy until the swap brings it up.
    await fx.appendLead(tenants[1] ?? '', uuidv7(), 0, 3);
    const { generation } = (await fx.checkpoint('lead_list')) ?? { generation: 0 };
    const count = async (client: pg.ClientBase, table: string) =>
      (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]?.n;
    const seen: (number | undefined)[][] = [];
    const verify: RebuildVerifier = async (client, { serving, rebuilt }) => {
      seen.push([await count(client, serving.lead_list ?? ''), await count(client, rebuilt.lead_list ?? '')]);
    };
    await rebuildProjection({ pool: fx.worker, schema: fx.schema, projection: leadListProjection, verify });
    expect(seen).toEqual([[leads + 1, leads + 1]]);
    expect(await fx.checkpoint('lead_list')).toMatchObject({ generation: generation + 1 });

    const refuse: RebuildVerifier = () => Promise.reject(new Error('checksums differ'));
    await expect(
      rebuildProjection({ pool: fx.worker, schema: fx.schema, projection: leadListProjection, verify: refuse }),
    ).rejects.toThrow('checksums differ');
    expect(await fx.checkpoint('lead_list')).toMatchObject({ generation: generation + 1 });
    expect(await tableExists(`lead_list_g${generation + 2}`)).toBe(false);
    expect((await contents()).list).toHaveLength(leads + 1);
  });
});
