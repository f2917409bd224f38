import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { signTestToken, testClaims } from '@bizosaas/auth/testing';
import { withTransaction } from '@bizosaas/db';
import { insertContacts, leadFixture } from '../contacts/contact-fixtures.ts';
import { expect, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';
import { audienceFeature } from './audience-preview.route.ts';

const SEALED = 'enc:v1:1:c2VhbGVkIGFkZHJlc3M=';
const at = (day: number) => `2026-12-0${day}T10:00:00.000Z`;

describe('audience preview', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({}, { features: [audienceFeature] });
  });
  afterAll(async () => t?.close());

  const url = (campaignId: string = randomUUID()) => `/api/v1/campaign-executions/${campaignId}/audience/preview`;
  const preview = (headers: Record<string, string>, payload: object, campaignId?: string) =>
    t.app.inject({ method: 'POST', url: url(campaignId), headers, payload });

  /** A tenant with 4 new leads (one sealed), 1 qualified lead and 1 customer. */
  async function tenantWithContacts() {
    const caller = await tenantCaller(t.key);
    const newLeads = [
      leadFixture({ email: 'ann@example.com', createdAt: at(1), score: 40 }),
      leadFixture({ email: 'bob@example.org', createdAt: at(2) }),
      leadFixture({ email: SEALED, createdAt: at(3), score: 90 }),
      leadFixture({ email: 'cat@example.net', createdAt: at(4), score: 55.5 }),
    ];
    await insertContacts(t.pool, caller.tenantId, [
      ...newLeads,
      leadFixture({ status: 'qualified', createdAt: at(5) }),
      leadFixture({ kind: 'customer', status: 'customer', source: null, customerTier: 'GOLD', createdAt: at(6) }),
    ]);
    return { caller, newLeads };
  }

  it('counts exactly and samples the newest, addresses masked and sealed ones hidden', async () => {
    const { caller, newLeads } = await tenantWithContacts();
    const response = await preview(caller.headers, { filter: { status: ['new'] }, sampleSize: 3 });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({
      count: 4,
      sendableByEmail: 3,
      filter: { status: ['new'] },
      sample: [
        { ...sampled(newLeads[3]!), score: 55.5, email: 'c***@example.net', sendableEmail: true },
        { ...sampled(newLeads[2]!), score: 90, email: null, sendableEmail: false },
        { ...sampled(newLeads[1]!), score: null, email: 'b***@example.org', sendableEmail: true },
      ],
    });
    const scored = await preview(caller.headers, { filter: { score: { min: 40, max: 60 } } });
    expect(scored.json()).toMatchObject({ count: 2, sendableByEmail: 2 });
    const everyone = await preview(caller.headers, { filter: {} });
    expect(everyone.json()).toMatchObject({ count: 6, sendableByEmail: 5 });
    expect(everyone.json().sample).toHaveLength(6);
  });

  it("shows another tenant nothing of this tenant's contacts", async () => {
    await tenantWithContacts();
    const other = await tenantCaller(t.key);
    const response = await preview(other.headers, { filter: {} });
    expect(response.json()).toEqual({ count: 0, sendableByEmail: 0, filter: {}, sample: [] });
  });

  it('refuses unknown fields and bad filters by name, and a caller without campaigns:read before the body', async () => {
    const caller = await tenantCaller(t.key);
    const unknown = await preview(caller.headers, { filter: {}, limit: 5 });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().details.issues).toEqual([expect.objectContaining({ path: 'limit' })]);
    const bad = await preview(caller.headers, { filter: { score: { min: 90, max: 10 }, status: ['archived'] } });
    expect(bad.statusCode).toBe(400);
    const paths = bad.json().details.issues.map((issue: { path: string }) => issue.path);
    expect(paths.sort()).toEqual(['filter.score.min', 'filter.status.0']);
    const claims = testClaims({ roles: ['member'], permissions: ['leads:read'] });
    const headers = { authorization: `Bearer ${await signTestToken(t.key, claims)}` };
    const forbidden = await preview(headers, { nonsense: true });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error).toBe('FORBIDDEN');
  });

  it("previews the saved plan's filter when none is sent, and 404 names the missing plan", async () => {
    const { caller } = await tenantWithContacts();
    const campaignId = randomUUID();
    const missing = await preview(caller.headers, {}, campaignId);
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: 'NOT_FOUND', details: { campaignId, resource: 'plan' } });
    expect(missing.json().message).toContain('plan');
    const audience = { filter: { status: ['qualified'] }, reentryCooldownDays: null };
    await withTransaction(
      t.pool,
      (client: import('pg').PoolClient) =>
        client.query(
          `INSERT INTO plans (tenant_id, campaign_id, version, audience, steps, updated_at)
           VALUES ($1, $2, 1, $3, '[]', now())`,
          [caller.tenantId, campaignId, JSON.stringify(audience)],
        ),
      { tenantId: caller.tenantId },
    );
    const planned = await preview(caller.headers, {}, campaignId);
    expect(planned.statusCode, planned.body).toBe(200);
    expect(planned.json()).toMatchObject({ count: 1, filter: { status: ['qualified'] } });
    const other = await tenantCaller(t.key);
    expect((await preview(other.headers, {}, campaignId)).statusCode).toBe(404);
  });
});

function sampled(row: ReturnType<typeof leadFixture>) {
  return { contactId: row.contactId, kind: row.kind, status: row.status, createdAt: row.createdAt };
}
