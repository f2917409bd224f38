import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createPgPool, withTransaction } from '@bizosaas/db';
import { currentModel, MODEL_MAX_AGE_MS } from './current-model.ts';
import { fakePlatform, type FakeAnswer, type FakeCall } from './testing/fake-platform.ts';
import { leadProfile } from './lead-features.ts';
import { AT, daysBefore } from './testing/lead-scoring-fixtures.ts';
import { loadModel } from './model-store.ts';
import { FEATURES, logisticScore, type LogisticModel } from './scoring-model.ts';

const pool = createPgPool({ databaseUrl: inject('appDatabaseUrl'), poolMax: 2, schema: 'ai_agents' });
afterAll(() => pool.end());

interface ClosedLead {
  id: string;
  status: 'converted' | 'lost' | 'disqualified';
  good: boolean;
}

/**
 * domain-repository's lead list and views over closed leads: the converted ones used a business
 * domain and had a meeting, the others wrote from free mail and were never met.
 */
function domainWith(leads: ClosedLead[]) {
  const updatedAt = daysBefore(30);
  const view = (lead: ClosedLead) => ({
    id: lead.id, status: lead.status, source: 'website_form', utmParameters: {}, campaignId: null,
    contact: { email: lead.good ? 'a@acme.io' : 'b@gmail.com', firstName: null, lastName: null, phone: null, company: null, jobTitle: null },
    interactionCount: lead.good ? 1 : 0, lastInteractionAt: lead.good ? daysBefore(32) : null, lastInteractionKind: lead.good ? 'meeting' : null,
  }); // prettier-ignore
  return fakePlatform((call: FakeCall): FakeAnswer => {
    const status = /[?&]status=(\w+)/.exec(call.path)?.[1];
    if (status) {
      const items = leads.filter((lead) => lead.status === status).map((lead) => ({ id: lead.id, status, updatedAt }));
      return { status: 200, body: { items, total: items.length, limit: 100, offset: 0 } };
    }
    if (call.path.endsWith('/interactions?limit=100')) return { status: 404, body: { error: 'NOT_FOUND' } };
    const lead = leads.find((candidate) => call.path === `/api/v1/leads/${candidate.id}`);
    return lead ? { status: 200, body: view(lead) } : { status: 404, body: { error: 'NOT_FOUND' } };
  });
}

const closed = (status: ClosedLead['status'], count: number, good: boolean): ClosedLead[] =>
  Array.from({ length: count }, () => ({ id: randomUUID(), status, good }));
const outcomes = (converted: number, lost: number, disqualified: number) => [
  ...closed('converted', converted, true),
  ...closed('lost', lost, false),
  ...closed('disqualified', disqualified, false),
];
const read = (tenantId: string, requestedAt = AT) => ({
  tenantId, correlationId: randomUUID(), signal: new AbortController().signal, requestedAt,
}); // prettier-ignore

describe('the scoring_model tool', () => {
  it('answers the rules, storing nothing, while a tenant has fewer than 20 outcomes of either kind', async () => {
    const tenantId = randomUUID();
    const domain = domainWith(outcomes(19, 30, 10));
    expect(await currentModel({ domain, pool }, read(tenantId))).toEqual({
      kind: 'rules', version: 1, samples: 59, positives: 19,
      reason: '19 converted and 40 lost or disqualified leads: fewer than 20 of each to fit a model',
    }); // prettier-ignore
    expect(await loadModel(pool, tenantId)).toBeNull();
  });

  it('fits, stores and reuses a model for a day, then fits it again as the next version', async () => {
    const tenantId = randomUUID();
    const domain = domainWith(outcomes(20, 12, 8));
    const model = (await currentModel({ domain, pool }, read(tenantId))) as LogisticModel;
    expect(model).toMatchObject({
      kind: 'logistic',
      version: 1,
      samples: 40,
      positives: 20,
      features: FEATURES,
      trainedAt: AT.toISOString(),
    });
    const profile = (good: boolean) =>
      leadProfile({ leadId: randomUUID(), status: 'new', source: 'website_form', emailDomain: good ? 'acme.io' : 'gmail.com', fullName: false,
        hasPhone: false, hasCompany: false, jobTitle: null, hasUtm: false, campaignAttributed: false, interactionCount: good ? 1 : 0,
        lastInteractionAt: good ? daysBefore(2) : null, lastInteractionKind: good ? 'meeting' : null, interactions: null }, AT); // prettier-ignore
    expect(logisticScore(model, profile(true)).probability).toBeGreaterThan(0.8);
    expect(logisticScore(model, profile(false)).probability).toBeLessThan(0.2);

    const calls = domain.calls.length;
    const nextHour = new Date(AT.getTime() + 3600_000);
    expect(await currentModel({ domain, pool }, read(tenantId, nextHour))).toEqual(model);
    expect(domain.calls).toHaveLength(calls);

    const nextDay = new Date(AT.getTime() + MODEL_MAX_AGE_MS + 1);
    expect(await currentModel({ domain, pool }, read(tenantId, nextDay))).toMatchObject({
      version: 2,
      trainedAt: nextDay.toISOString(),
    });
  });

  it("keeps a tenant's old model when its outcomes no longer suffice, and shows it to no other tenant", async () => {
    const tenantId = randomUUID();
    const fitted = await currentModel({ domain: domainWith(outcomes(21, 21, 0)), pool }, read(tenantId));
    const later = new Date(AT.getTime() + 2 * MODEL_MAX_AGE_MS);
    expect(await currentModel({ domain: domainWith(outcomes(3, 3, 0)), pool }, read(tenantId, later))).toEqual(fitted);
    expect(await loadModel(pool, randomUUID())).toBeNull();
    const rows = await withTransaction(
      pool,
      (client) => client.query('SELECT tenant_id FROM ai_agents.lead_scoring_models'),
      {
        tenantId: randomUUID(),
      },
    );
    expect(rows.rows).toEqual([]);
  });
});
