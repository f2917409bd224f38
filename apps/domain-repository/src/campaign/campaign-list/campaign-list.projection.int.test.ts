import { projectionSpec, type ProjectionSpec } from '@bizosaas/event-store/testing';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { streamOf } from '../../write-side/stored-round-trip.ts';
import type { CampaignEvent } from '../campaign.ts';
import { created, createdData, launched, paused, resumed, scheduled } from '../campaign-test-fixtures.ts';
import { campaignListProjection } from './campaign-list.projection.ts';

const tenantId = '0194500c-a000-7000-8000-00000000d001';
const campA = '0194500c-a000-7000-8000-00000000d002';
const campB = '0194500c-a000-7000-8000-00000000d003';
const campC = '0194500c-a000-7000-8000-00000000d004';
const at = (hour: number) => `2025-03-10T${String(hour).padStart(2, '0')}:00:00.000Z`;
const byId = { orderBy: 'campaign_id' };

let spec: ProjectionSpec;
beforeAll(async () => {
  spec = await projectionSpec(campaignListProjection, {
    ownerDatabaseUrl: inject('ownerDatabaseUrl'),
    workerDatabaseUrl: inject('workerDatabaseUrl'),
    label: 'campaign_list',
  });
});
afterAll(() => spec.drop());

describe('campaign_list projection', () => {
  it('campaign.created inserts a draft with its type, channels, budget and schedule', async () => {
    const then = await spec.given().when(streamOf(campA, tenantId)(created, at(1)));
    expect(await then.rows('campaign_list', byId)).toEqual([
      {
        campaign_id: campA,
        tenant_id: tenantId,
        name: 'Spring Product Launch',
        campaign_type: 'multi_channel',
        objective: 'lead_generation',
        channels: ['email', 'google_ads', 'linkedin_ads'],
        status: 'draft',
        total_budget: '10000.00',
        daily_budget: '500.00',
        currency: 'USD',
        start_date: new Date('2025-03-01T00:00:00.000Z'),
        end_date: new Date('2025-03-31T00:00:00.000Z'),
        optimization_goal: null,
        version: 1,
        launched_at: null,
        updated_at: new Date(at(1)),
      },
    ]);
  });

  it('schedule, launch, budget, optimisation and pause update the row; an open-ended schedule clears the end', async () => {
    const c = streamOf(campA, tenantId);
    const openEnded: CampaignEvent = {
      type: 'campaign.scheduled',
      data: { schedule: { startDate: '2025-03-12T00:00:00.000Z', endDate: null } },
    };
    const launchedOpen: CampaignEvent = {
      type: 'campaign.launched',
      data: { channels: ['email'], scheduledEndDate: null },
    };
    const budget: CampaignEvent = {
      type: 'campaign.budget_updated',
      data: {
        previousBudget: createdData.budget,
        budget: { totalBudget: '12000.00', dailyBudget: null, currency: 'USD' },
      },
    };
    const optimized: CampaignEvent = {
      type: 'campaign.optimized',
      data: { optimizationGoal: 'maximize_roas', analysisId: null, changes: [], expectedImprovementPercent: null },
    };
    const then = await spec
      .given(c(created, at(1)), c(openEnded, at(2)))
      .when(c(launchedOpen, at(3)), c(budget, at(4)), c(optimized, at(5)), c(paused, at(6)));
    expect(await then.rows('campaign_list', byId)).toMatchObject([
      {
        status: 'paused',
        start_date: new Date('2025-03-12T00:00:00.000Z'),
        end_date: null,
        total_budget: '12000.00',
        daily_budget: null,
        optimization_goal: 'maximize_roas',
        launched_at: new Date(at(3)),
        version: 6,
        updated_at: new Date(at(6)),
      },
    ]);
  });

  it('the active list reads status and launched_at: live campaigns only, latest launched first', async () => {
    const [a, b, c] = [campA, campB, campC].map((id) => streamOf(id, tenantId));
    const then = await spec
      .given(a!(created, at(1)), b!(created, at(1)), c!(created, at(1)))
      .when(a!(launched, at(2)), b!(scheduled, at(2)), c!(launched, at(3)), a!(paused, at(4)), a!(resumed, at(5)));
    const active = await then.rows('campaign_list', {
      where: `status = 'active'`,
      orderBy: 'launched_at DESC, campaign_id',
    });
    expect(active.map((row) => [row.campaign_id, row.launched_at])).toEqual([
      [campC, new Date(at(3))],
      [campA, new Date(at(2))],
    ]);
    expect(
      (await then.rows('campaign_list', { where: 'campaign_id = $1', params: [campB], orderBy: 'campaign_id' }))[0],
    ).toMatchObject({ status: 'scheduled', launched_at: null });
  });

  it('an event delivered again, or an older one after a newer, changes nothing', async () => {
    const c = streamOf(campA, tenantId);
    const events = [c(created, at(1)), c(launched, at(2)), c(paused, at(3))] as const;
    const once = await (await spec.given(...events).when()).rows('campaign_list', byId);
    const again = await spec.given(...events).when(events[2], events[1], events[0]);
    expect(once[0]).toMatchObject({ status: 'paused', version: 3 });
    expect(await again.rows('campaign_list', byId)).toEqual(once);
  });

  it('ignores events of other aggregates', async () => {
    const c = streamOf(campA, tenantId);
    const given = c(created, at(1));
    const before = await (await spec.given(given).when()).rows('campaign_list', byId);
    const contact = {
      email: 'x@example.com',
      firstName: null,
      lastName: null,
      phone: null,
      company: null,
      jobTitle: null,
    };
    // Under the campaign's id (version 2), so any effect of the lead event would show on the campaign's row.
    const leadCreated = {
      type: 'lead.created',
      data: { contact, source: 'api', utmParameters: {}, campaignId: campA },
    } as const;
    const then = await spec.given(given).when(c(leadCreated, at(2)));
    expect(await then.rows('campaign_list', byId)).toEqual(before);
  });
});
