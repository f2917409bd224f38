import { projectionSpec, type ProjectionSpec } from '@bizosaas/event-store/testing';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { streamOf } from '../../write-side/stored-round-trip.ts';
import { contact, contacted, converted, created, customerId, qualified, score } from '../lead-test-fixtures.ts';
import { leadListProjection } from './lead-list.projection.ts';

const tenantId = '0192f5a3-9d2e-7c4b-8a11-0000000000a1';
const leadA = '0192f5a3-9d2e-7c4b-8a11-0000000000a2';
const leadB = '0192f5a3-9d2e-7c4b-8a11-0000000000a3';
const at = (minute: number) => `2025-03-01T10:${String(minute).padStart(2, '0')}:00.000Z`;
const byId = { orderBy: 'lead_id' };

let spec: ProjectionSpec;
beforeAll(async () => {
  spec = await projectionSpec(leadListProjection, {
    ownerDatabaseUrl: inject('ownerDatabaseUrl'),
    workerDatabaseUrl: inject('workerDatabaseUrl'),
    label: 'lead_list',
  });
});
afterAll(() => spec.drop());

describe('lead_list projection', () => {
  it('lead.created inserts a new row with the contact, source and the creation time', async () => {
    const a = streamOf(leadA, tenantId);
    const then = await spec.given().when(a(created, at(0)));
    expect(await then.rows('lead_list', byId)).toEqual([
      {
        lead_id: leadA,
        tenant_id: tenantId,
        email: contact.email,
        first_name: 'John',
        last_name: 'Doe',
        company: 'Example Corp',
        source: 'website_form',
        status: 'new',
        total_score: null,
        customer_id: null,
        nurturing_since: null,
        version: 1,
        created_at: new Date(at(0)),
        updated_at: new Date(at(0)),
      },
    ]);
  });

  it('later events move the status, score, customer and contact, and the version and update time', async () => {
    const a = streamOf(leadA, tenantId);
    const given = [a(created, at(0)), a(contacted, at(1)), a(qualified, at(2))];
    const newContact = { ...contact, email: 'j.doe@example.org', company: 'Example Group' };
    const then = await spec
      .given(...given)
      .when(a({ type: 'lead.contact_updated', data: { contact: newContact } }, at(3)), a(converted, at(4)));
    expect(await then.rows('lead_list', byId)).toMatchObject([
      {
        email: 'j.doe@example.org',
        company: 'Example Group',
        status: 'converted',
        total_score: String(score.totalScore),
        customer_id: customerId,
        version: 5,
        created_at: new Date(at(0)),
        updated_at: new Date(at(4)),
      },
    ]);
  });

  it('the list query filters on status and source and orders newest first', async () => {
    const a = streamOf(leadA, tenantId);
    const b = streamOf(leadB, tenantId);
    const apiLead = { ...created, data: { ...created.data, source: 'api' } } as typeof created;
    const then = await spec.given(a(created, at(0)), b(apiLead, at(5))).when(a(qualified, at(6)));
    const newestFirst = await then.rows('lead_list', { orderBy: 'created_at DESC, lead_id' });
    expect(newestFirst.map((row) => [row.lead_id, row.status, row.source])).toEqual([
      [leadB, 'new', 'api'],
      [leadA, 'qualified', 'website_form'],
    ]);
    const qualifiedOnes = await then.rows('lead_list', {
      where: 'status = $1',
      params: ['qualified'],
      orderBy: 'created_at DESC',
    });
    expect(qualifiedOnes.map((row) => row.lead_id)).toEqual([leadA]);
    expect(
      (await then.rows('lead_list', { where: 'source = $1', params: ['api'], orderBy: 'lead_id' })).map(
        (row) => row.lead_id,
      ),
    ).toEqual([leadB]);
  });

  it('an event delivered again, or an older one after a newer, changes nothing', async () => {
    const a = streamOf(leadA, tenantId);
    const [first, second, third] = [a(created, at(0)), a(contacted, at(1)), a(qualified, at(2))];
    const once = await (await spec.given(first, second).when(third)).rows('lead_list', byId);
    const again = await spec.given(first, second, third).when(third, second, first);
    expect(once[0]).toMatchObject({ status: 'qualified', version: 3 });
    expect(await again.rows('lead_list', byId)).toEqual(once);
  });

  it('events of other aggregates are ignored, and an interaction only moves the version', async () => {
    const a = streamOf(leadA, tenantId);
    const interaction = {
      type: 'lead.interaction_recorded',
      data: { interactionId: leadB, kind: 'call', summary: 'Intro call', interactedAt: at(1) },
    } as const;
    const profile = {
      email: 'c@example.com',
      firstName: null,
      lastName: null,
      phone: null,
      companyName: null,
      industry: null,
      annualRevenue: null,
    };
    const customerCreated = {
      type: 'customer.created',
      data: {
        profile,
        leadId: null,
        currency: 'USD',
        preferences: { email: true, sms: false, phone: false, marketing: false },
        createdAt: at(1),
      },
    } as const;
    // Under the lead's id (version 3), so any effect of the customer event would show on the lead's row.
    const then = await spec.given(a(created, at(0))).when(a(interaction, at(2)), a(customerCreated, at(3)));
    expect(await then.rows('lead_list', byId)).toMatchObject([
      { lead_id: leadA, status: 'new', version: 2, updated_at: new Date(at(2)) },
    ]);
  });

  it('lead.marked_for_nurturing starts nurturing; contacting keeps it, qualification ends it', async () => {
    const a = streamOf(leadA, tenantId);
    const b = streamOf(leadB, tenantId);
    const marked = {
      type: 'lead.marked_for_nurturing',
      data: { reason: 'manual', totalScore: null, threshold: null, analysisId: null, markedAt: at(1) },
    } as const;
    const then = await spec
      .given(a(created, at(0)), b(created, at(0)))
      .when(a(marked, at(1)), b(marked, at(1)), a(contacted, at(2)), b(qualified, at(3)));
    expect(await then.rows('lead_list', byId)).toMatchObject([
      { lead_id: leadA, status: 'contacted', nurturing_since: new Date(at(1)), version: 3 },
      { lead_id: leadB, status: 'qualified', nurturing_since: null, version: 3 },
    ]);
  });
});
