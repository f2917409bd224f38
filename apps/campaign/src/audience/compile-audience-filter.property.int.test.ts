import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createPgPool, withTransaction } from '@bizosaas/db';
import { insertContacts, type ContactFixture } from '../contacts/contact-fixtures.ts';
import { SERVICE_SCHEMA } from '../schema.ts';
import { audienceFilter, type AudienceFilter } from './audience-filter.ts';
import { compileAudienceFilter } from './compile-audience-filter.ts';

// Small value pools, so random filters and random rows meet often.
const STATUSES = ['new', 'contacted', 'qualified', 'converted', 'disqualified', 'lost', 'customer'] as const;
const SOURCES = ['website_form', 'referral', 'paid_ads'] as const;
const UTM = ['google', 'meta', 'spring'] as const;
const TIERS = ['BRONZE', 'SILVER', 'GOLD', 'PLATINUM'] as const;
const INSTANTS = ['2026-11-30T23:59:59.999Z', '2026-12-01T00:00:00.000Z', '2026-12-01T10:00:00.500Z'];

const percent = fc.integer({ min: 0, max: 1000 }).map((tenths) => tenths / 10);
const instant = fc.constantFrom(...INSTANTS, '2026-12-01T01:00:00.000+01:00', '2026-12-01T10:00:00.500+00:00');
const orNull = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });
const list = <T>(values: readonly T[]) => fc.uniqueArray(fc.constantFrom(...values), { minLength: 1 });
const range = fc
  .record({ min: percent, max: percent }, { requiredKeys: [] })
  .filter((r) => r.min === undefined || r.max === undefined || r.min <= r.max);

const contact: fc.Arbitrary<ContactFixture> = fc.record({
  contactId: fc.uuid(),
  kind: fc.constantFrom('lead', 'customer'),
  email: fc.constantFrom('a@example.com', 'enc:v1:1:AAAA', null),
  status: fc.constantFrom(...STATUSES),
  source: orNull(fc.constantFrom(...SOURCES)),
  score: orNull(percent),
  utmSource: orNull(fc.constantFrom(...UTM)),
  utmMedium: orNull(fc.constantFrom(...UTM)),
  utmCampaign: orNull(fc.constantFrom(...UTM)),
  customerTier: orNull(fc.constantFrom(...TIERS)),
  churnRisk: orNull(percent),
  createdAt: fc.constantFrom(...INSTANTS),
});

const filter: fc.Arbitrary<AudienceFilter> = fc
  .record(
    {
      kind: list(['lead', 'customer'] as const),
      status: list(STATUSES),
      source: list(SOURCES),
      score: range,
      utm: fc.record({ source: list(UTM), medium: list(UTM), campaign: list(UTM) }, { requiredKeys: [] }),
      customerTier: list(TIERS),
      churnRisk: range,
      createdAt: fc
        .record({ from: instant, to: instant }, { requiredKeys: [] })
        .filter((r) => !r.from || !r.to || Date.parse(r.from) < Date.parse(r.to)),
    },
    { requiredKeys: [] },
  )
  .map((raw) => audienceFilter.parse(raw));

/** What the filter means, in plain TypeScript: every given condition holds; a missing value never matches. */
function matches(f: AudienceFilter, c: ContactFixture): boolean {
  const anyOf = (values: readonly string[] | undefined, value: string | null) =>
    values === undefined || (value !== null && values.includes(value));
  const within = (r: { min?: number; max?: number } | undefined, value: number | null) =>
    (r?.min === undefined || (value !== null && value >= r.min)) &&
    (r?.max === undefined || (value !== null && value <= r.max));
  const at = Date.parse(c.createdAt);
  return (
    anyOf(f.kind, c.kind) &&
    anyOf(f.status, c.status) &&
    anyOf(f.source, c.source) &&
    within(f.score, c.score) &&
    anyOf(f.utm?.source, c.utmSource) &&
    anyOf(f.utm?.medium, c.utmMedium) &&
    anyOf(f.utm?.campaign, c.utmCampaign) &&
    anyOf(f.customerTier, c.customerTier) &&
    within(f.churnRisk, c.churnRisk) &&
    (!f.createdAt?.from || at >= Date.parse(f.createdAt.from)) &&
    (!f.createdAt?.to || at < Date.parse(f.createdAt.to))
  );
}

/** The ids the compiled filter selects for the tenant, its placeholders from `first` on. */
async function selectedIds(pool: pg.Pool, tenantId: string, f: AudienceFilter, first: number): Promise<string[]> {
  const { where, params } = compileAudienceFilter(f, first);
  // The placeholders before `first` are the caller's: the tenant, then fillers the query uses.
  const fillers = Array.from({ length: first - 2 }, (_, i) => `$${i + 2}::int IS NULL`);
  const sql = `SELECT contact_id FROM contacts WHERE ${['tenant_id = $1', ...fillers, `(${where})`].join(' AND ')}`;
  const values = [tenantId, ...fillers.map(() => null), ...params];
  const { rows } = await withTransaction(
    pool,
    (client: pg.PoolClient) => client.query<{ contact_id: string }>(sql, values),
    { tenantId },
  );
  return rows.map((row) => row.contact_id).sort();
}

describe('compileAudienceFilter', () => {
  const pool = createPgPool({ databaseUrl: inject('appDatabaseUrl'), poolMax: 2, schema: SERVICE_SCHEMA });
  afterAll(() => pool.end());

  it('selects on PostgreSQL exactly the contacts the plain predicate selects', async () => {
    const cases = fc.tuple(filter, fc.array(contact, { maxLength: 25 }), fc.integer({ min: 2, max: 9 }));
    await fc.assert(
      fc.asyncProperty(cases, async ([f, rows, first]) => {
        const tenantId = randomUUID();
        await insertContacts(pool, tenantId, rows);
        const expected = rows.filter((row) => matches(f, row)).map((row) => row.contactId);
        expect(await selectedIds(pool, tenantId, f, first)).toEqual(expected.sort());
      }),
      { numRuns: 150 },
    );
  });
});
