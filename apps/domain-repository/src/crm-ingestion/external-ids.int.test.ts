import { randomUUID } from 'node:crypto';
import { withTransaction } from '@bizosaas/db';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EVENT_STORE_SCHEMA } from '../write-side/write-side.ts';
import { createExternalIds } from './external-ids.ts';

const CALLERS = 20;
const externalIds = createExternalIds(EVENT_STORE_SCHEMA);
const tenantA = randomUUID();
const tenantB = randomUUID();
let app: pg.Pool;
let owner: pg.Pool;

beforeAll(() => {
  app = new pg.Pool({ connectionString: inject('appDatabaseUrl'), max: CALLERS });
  owner = new pg.Pool({ connectionString: inject('ownerDatabaseUrl'), max: 1 });
});
afterAll(async () => {
  await Promise.all([app.end(), owner.end()]);
});

const map = (tenantId: string, externalId: string, newId: () => string = randomUUID, source = 'salesforce.lead') =>
  withTransaction(app, (client) => externalIds.map(client, { tenantId, source, externalId, newId }), { tenantId });
const find = (tenantId: string, externalId: string) =>
  withTransaction(app, (client) => externalIds.find(client, { tenantId, source: 'salesforce.lead', externalId }), {
    tenantId,
  });
const stored = async (externalId: string) =>
  (
    await owner.query(
      `SELECT internal_id FROM "${EVENT_STORE_SCHEMA}".external_ids WHERE tenant_id = ANY($1) AND external_id = $2`,
      [[tenantA, tenantB], externalId],
    )
  ).rows;

describe('CRM external id mapping', () => {
  it(`creates the mapping once under ${CALLERS} concurrent calls, and every caller gets its id`, async () => {
    const candidates: string[] = [];
    const results = await Promise.all(
      Array.from({ length: CALLERS }, () =>
        map(tenantA, '0035g00000XyZ12', () => {
          const id = randomUUID();
          candidates.push(id);
          return id;
        }),
      ),
    );
    const created = results.filter((result) => result.created);
    expect(created).toHaveLength(1);
    expect(candidates).toContain(created[0]!.internalId);
    expect(new Set(results.map((result) => result.internalId))).toEqual(new Set([created[0]!.internalId]));
    expect(await stored('0035g00000XyZ12')).toEqual([{ internal_id: created[0]!.internalId }]);
    expect(await map(tenantA, '0035g00000XyZ12')).toEqual({ internalId: created[0]!.internalId, created: false });
  });

  it('keeps mappings per tenant and per source', async () => {
    const a = await map(tenantA, 'ext-1');
    const b = await map(tenantB, 'ext-1');
    const otherSource = await map(tenantA, 'ext-1', randomUUID, 'hubspot.contact');
    expect([a.created, b.created, otherSource.created]).toEqual([true, true, true]);
    expect(new Set([a.internalId, b.internalId, otherSource.internalId]).size).toBe(3);
  });

  it("finds a mapping without creating one, and not another tenant's", async () => {
    const mapped = await map(tenantA, 'ext-find');
    expect(await find(tenantA, 'ext-find')).toBe(mapped.internalId);
    expect(await find(tenantB, 'ext-find')).toBeNull();
    expect(await find(tenantA, 'ext-never')).toBeNull();
    expect(await stored('ext-never')).toEqual([]);
  });

  it('rejects an id source that does not return a UUID', async () => {
    await expect(map(tenantA, 'ext-2', () => 'SF-123')).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
      details: { issues: [{ path: 'newId', message: 'must return a UUID' }] },
    });
  });
});
