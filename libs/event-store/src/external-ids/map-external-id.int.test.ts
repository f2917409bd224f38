import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventStore } from '../store/create-event-store.ts';
import { newTenant, scratchSchema, type Scratch } from '../store/test-support.ts';
import { inTenantTransaction } from '../store/transaction.ts';

const CALLERS = 20;
let db: Scratch;
let store: ReturnType<typeof createEventStore>;
const tenantA = newTenant();
const tenantB = newTenant();

beforeAll(async () => {
  db = await scratchSchema('external_ids', CALLERS);
  store = createEventStore({ schema: db.schema });
});
afterAll(() => db.drop());

const map = (tenantId: string, externalId: string, newId: () => string = randomUUID) =>
  inTenantTransaction(db.app, tenantId, (client) =>
    store.mapExternalId(client, { tenantId, source: 'salesforce', externalId, newId }),
  );

describe('external id mapping', () => {
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
    const { rows } = await db.owner.query(`SELECT internal_id FROM "${db.schema}".external_ids WHERE external_id = '0035g00000XyZ12'`);
    expect(rows).toEqual([{ internal_id: created[0]!.internalId }]);
    expect(await map(tenantA, '0035g00000XyZ12')).toEqual({ internalId: created[0]!.internalId, created: false });
  });

  it('keeps mappings per tenant and per source', async () => {
    const a = await map(tenantA, 'ext-1');
    const b = await map(tenantB, 'ext-1');
    const otherSource = await inTenantTransaction(db.app, tenantA, (client) =>
      store.mapExternalId(client, { tenantId: tenantA, source: 'hubspot', externalId: 'ext-1', newId: randomUUID }),
    );
    expect([a.created, b.created, otherSource.created]).toEqual([true, true, true]);
    expect(new Set([a.internalId, b.internalId, otherSource.internalId]).size).toBe(3);
  });

  it('finds a mapping without creating one, and not another tenant\'s', async () => {
    const find = (tenantId: string, externalId: string) =>
      inTenantTransaction(db.app, tenantId, (client) => store.findExternalId(client, { tenantId, source: 'salesforce', externalId }));
    const mapped = await map(tenantA, 'ext-find');
    expect(await find(tenantA, 'ext-find')).toBe(mapped.internalId);
    expect(await find(tenantB, 'ext-find')).toBeNull();
    expect(await find(tenantA, 'ext-never')).toBeNull();
    const { rows } = await db.owner.query(`SELECT count(*)::int AS n FROM "${db.schema}".external_ids WHERE external_id = 'ext-never'`);
    expect(rows[0].n).toBe(0);
  });

  it('rejects an id source that does not return a UUID', async () => {
    await expect(map(tenantA, 'ext-2', () => 'SF-123')).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
      details: { issues: [{ path: 'newId', message: 'must return a UUID' }] },
    });
  });
});
