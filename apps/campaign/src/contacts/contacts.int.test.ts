import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { eventCatalogue } from '@bizosaas/event-schemas';
import { eventually, expect, startTestApp, type TestApp } from '../test-support.ts';
import { atVersion, publishAll, streamOf } from './contact-test-events.ts';
import { contactsFeature } from './contacts-feature.ts';

const SEALED = 'enc:v1:1:c2VhbGVkIGFkZHJlc3M=';
const exampleProfile = (eventCatalogue['customer.created'].example as { profile: Record<string, unknown> }).profile;

describe('contacts read model', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({}, { features: [contactsFeature] });
  });
  afterAll(async () => t?.close());

  const row = async (tenantId: string, contactId: string) => {
    const { rows } = await t.worker.query(
      `SELECT kind, email, first_name, phone, status, source, score::float8 AS score, utm_source, utm_medium,
           utm_campaign, customer_tier, churn_risk::float8 AS churn_risk, sendable_email,
           created_at, version
         FROM contacts WHERE tenant_id = $1 AND contact_id = $2`,
      [tenantId, contactId],
    );
    return rows[0] && { ...rows[0], created_at: (rows[0].created_at as Date).toISOString() };
  };
  const versionOf = (tenantId: string, contactId: string, version: number) =>
    eventually(
      () => row(tenantId, contactId),
      (found) => expect(found?.version).toBe(version),
    );

  it('follows a lead from capture through scoring and qualification to conversion', async () => {
    const tenantId = randomUUID();
    const lead = streamOf(tenantId, [
      ['lead.created', { source: 'paid_ads', utmParameters: { utmSource: 'google', utmCampaign: 'spring' } }],
      ['lead.contacted'],
      ['lead.scored', { score: { totalScore: 72, behavioralScore: 80, demographicScore: 65, firmographicScore: 70 } }],
      ['lead.qualified'],
      ['lead.converted'],
    ]);
    const leadId = lead[0]!.aggregateId;
    await publishAll(t, lead.slice(0, 3));
    expect(await versionOf(tenantId, leadId, 3)).toEqual({
      kind: 'lead',
      email: 'john.doe@example.com',
      first_name: 'John',
      phone: '+1 555 010 0200',
      status: 'contacted',
      source: 'paid_ads',
      score: 72,
      utm_source: 'google',
      utm_medium: null,
      utm_campaign: 'spring',
      customer_tier: null,
      churn_risk: null,
      sendable_email: true,
      created_at: '2026-12-01T10:00:00.000Z',
      version: 3,
    });
    await publishAll(t, lead.slice(3, 4));
    expect(await versionOf(tenantId, leadId, 4)).toMatchObject({ status: 'qualified', score: 85 });
    await publishAll(t, lead.slice(4));
    expect(await versionOf(tenantId, leadId, 5)).toMatchObject({ status: 'converted', score: 85 });
  });

  it('changes nothing on a redelivery or an older version, then applies the next one', async () => {
    const tenantId = randomUUID();
    const lead = streamOf(tenantId, [
      ['lead.created'],
      ['lead.qualified'],
      ['lead.lost'],
      ['lead.interaction_recorded'],
    ]);
    const leadId = lead[0]!.aggregateId;
    await publishAll(t, lead.slice(0, 3));
    await versionOf(tenantId, leadId, 3);
    const olderContact = streamOf(tenantId, [['lead.created'], ['lead.contacted']], leadId)[1]!;
    await publishAll(t, [lead[1]!, lead[0]!, olderContact, atVersion(lead[1]!, 3), lead[3]!]);
    expect(await versionOf(tenantId, leadId, 4)).toMatchObject({ status: 'lost', score: 85 });
    const { rows } = await t.worker.query('SELECT count(*)::int AS n FROM contacts WHERE tenant_id = $1', [tenantId]);
    expect(rows[0].n).toBe(1);
  });

  it('follows a customer: sealed address not sendable, tier, churn risk, then a plain address', async () => {
    const tenantId = randomUUID();
    const sealedProfile = { ...exampleProfile, email: SEALED, firstName: SEALED };
    const customer = streamOf(tenantId, [
      ['customer.created', { profile: sealedProfile }],
      ['customer.purchase_recorded'],
      ['customer.tier_upgraded'],
      ['customer.churn_risk_updated'],
      ['customer.profile_updated'],
    ]);
    const customerId = customer[0]!.aggregateId;
    await publishAll(t, customer.slice(0, 1));
    expect(await versionOf(tenantId, customerId, 1)).toMatchObject({
      kind: 'customer',
      email: SEALED,
      first_name: SEALED,
      status: 'customer',
      source: null,
      customer_tier: 'BRONZE',
      churn_risk: 0,
      sendable_email: false,
    });
    await publishAll(t, customer.slice(1, 4));
    expect(await versionOf(tenantId, customerId, 4)).toMatchObject({ customer_tier: 'GOLD', churn_risk: 85 });
    await publishAll(t, customer.slice(4));
    expect(await versionOf(tenantId, customerId, 5)).toMatchObject({
      email: 'john.doe@example.com',
      sendable_email: true,
    });
  });
});
