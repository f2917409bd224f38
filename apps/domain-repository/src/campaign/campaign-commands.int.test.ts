import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AppError, type Command } from '@bizosaas/ddd-kernel';
import { uuidv7 } from '@bizosaas/event-schemas';
import {
  createEventStore,
  createPgIdempotencyStore,
  createProjectionManager,
  projectionViews,
  type ProjectionManager,
} from '@bizosaas/event-store';
import { createCommandHandler } from '../write-side/command-handler.ts';
import { loadAggregate } from '../write-side/load-aggregate.ts';
import { EVENT_STORE_SCHEMA } from '../write-side/write-side.ts';
import { campaignStream, type Campaign } from './campaign.ts';
import { campaignDecider, type CampaignCommand } from './campaign-decider.ts';
import { campaignListProjection } from './campaign-list/campaign-list.projection.ts';
import { listActiveCampaigns } from './campaign-list/active-campaigns.query.ts';
import { campaignView } from './campaign-view.ts';
import { withTransaction } from '@bizosaas/db';

const tenantA = randomUUID();
const tenantB = randomUUID();
const store = createEventStore({ schema: EVENT_STORE_SCHEMA });
let app: pg.Pool;
let worker: pg.Pool;
let manager: ProjectionManager;

beforeAll(async () => {
  app = new pg.Pool({ connectionString: inject('appDatabaseUrl'), max: 4 });
  worker = new pg.Pool({ connectionString: inject('workerDatabaseUrl'), max: 4 });
  manager = createProjectionManager({
    pool: worker,
    schema: EVENT_STORE_SCHEMA,
    projections: [campaignListProjection],
    pollIntervalMs: 20,
  });
  await manager.start();
});
afterAll(async () => {
  await manager.stop();
  await Promise.all([app.end(), worker.end()]);
});

/** The campaign commands through the write path, without HTTP. */
const handler = () =>
  createCommandHandler({
    pool: app,
    store,
    idempotency: createPgIdempotencyStore({ pool: app, schema: EVENT_STORE_SCHEMA }),
    now: () => new Date(),
    clockSkewMs: 300_000,
  });
const loadCampaign = async (tenantId: string, id: string) => {
  const { state, version } = await loadAggregate({ store, pool: app }, tenantId, campaignStream, id);
  return campaignView(state, id, version);
};
const metadata = (tenantId: string, now = '2025-03-10T09:00:00.000Z') => ({
  now: new Date(now),
  tenantId,
  actor: { type: 'user' as const, id: randomUUID() },
  correlationId: `test-${randomUUID()}`,
});
const draft = {
  name: 'Spring Product Launch',
  campaignType: 'multi_channel',
  objective: 'lead_generation',
  channels: ['email', 'google_ads'],
  budget: { totalBudget: '10000', dailyBudget: '500', currency: 'USD' },
  schedule: { startDate: '2025-03-01T00:00:00Z', endDate: '2025-03-31T00:00:00Z' },
};

async function run(tenantId: string, type: CampaignCommand['type'], data: Record<string, unknown>, now?: string) {
  const creates = type === 'campaign.create';
  const aggregateId = creates ? uuidv7() : String(data.campaignId);
  // The data is each command's as its route would send it; the union decider picks the command by type.
  const decide = (command: Command<string, unknown>, state: Campaign) =>
    campaignDecider.decide(command as CampaignCommand, state);
  return handler().run(metadata(tenantId, now), {
    aggregate: campaignStream,
    aggregateId,
    command: { type, data: { ...data, campaignId: aggregateId } },
    decide,
    view: campaignView,
    ...(creates && { creates: true as const }),
  });
}
const createCampaign = (tenantId: string) => run(tenantId, 'campaign.create', draft);

async function caughtUp(ids: Map<string, number>): Promise<void> {
  const { campaign_list: view } = projectionViews(EVENT_STORE_SCHEMA, campaignListProjection);
  for (;;) {
    const { rows } = await worker.query<{ id: string; version: number }>(
      `SELECT campaign_id AS id, version FROM ${view} WHERE campaign_id = ANY($1)`,
      [[...ids.keys()]],
    );
    if (rows.length === ids.size && rows.every((row) => ids.get(row.id) === row.version)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('campaign commands on the event store', () => {
  it('creates, launches and reads back a campaign; repeats append nothing', async () => {
    const created = await createCampaign(tenantA);
    expect(created).toMatchObject({
      status: 'draft',
      version: 1,
      budget: { totalBudget: '10000.00', dailyBudget: '500.00', currency: 'USD' },
    });
    expect(await run(tenantA, 'campaign.launch', { campaignId: created.id })).toMatchObject({
      status: 'active',
      version: 2,
    });
    expect(await run(tenantA, 'campaign.launch', { campaignId: created.id })).toMatchObject({
      status: 'active',
      version: 2,
    });
    expect(await loadCampaign(tenantA, created.id)).toMatchObject({ id: created.id, status: 'active', version: 2 });
    const stored = await withTransaction(
      app,
      (client) => store.readStream(client, { aggregateType: 'campaign', aggregateId: created.id }),
      { tenantId: tenantA },
    );
    expect(stored.map((event) => [event.type, event.aggregateVersion, event.tenantId])).toEqual([
      ['campaign.created', 1, tenantA],
      ['campaign.launched', 2, tenantA],
    ]);
  });

  it('refuses an invalid transition with the rule, the status and the id, and stores nothing', async () => {
    const { id } = await createCampaign(tenantA);
    const error = await run(tenantA, 'campaign.pause', { campaignId: id, reason: null }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).details).toMatchObject({
      rule: 'campaign.pause.requires_active',
      currentStatus: 'draft',
      campaignId: id,
    });
    expect(await loadCampaign(tenantA, id)).toMatchObject({ status: 'draft', version: 1 });
  });

  it("answers another tenant's campaign as not found", async () => {
    const { id } = await createCampaign(tenantA);
    await expect(loadCampaign(tenantB, id)).rejects.toMatchObject({ code: 'TENANT_ISOLATION_VIOLATION', status: 404 });
    await expect(run(tenantB, 'campaign.launch', { campaignId: id })).rejects.toMatchObject({ status: 404 });
  });

  it('lists only the live campaigns of the caller, from the projection', async () => {
    const live = await createCampaign(tenantA);
    const pausedOne = await createCampaign(tenantA);
    const done = await createCampaign(tenantA);
    const other = await createCampaign(tenantB);
    for (const c of [live, pausedOne, done]) await run(tenantA, 'campaign.launch', { campaignId: c.id });
    await run(tenantB, 'campaign.launch', { campaignId: other.id });
    await run(tenantA, 'campaign.pause', { campaignId: pausedOne.id, reason: 'review' });
    await run(tenantA, 'campaign.complete', { campaignId: done.id, reason: 'manual', note: null });
    const raised = await run(tenantA, 'campaign.update_budget', {
      campaignId: live.id,
      budget: { totalBudget: '12000.5', dailyBudget: '600', currency: 'USD' },
    });
    await caughtUp(
      new Map([
        [live.id, raised.version],
        [pausedOne.id, 3],
        [done.id, 3],
        [other.id, 2],
      ]),
    );

    const page = await listActiveCampaigns(app, tenantA, { limit: 100, offset: 0 });
    const mine = page.items.filter((item) => [live.id, pausedOne.id, done.id, other.id].includes(item.id));
    expect(mine).toEqual([
      expect.objectContaining({
        id: live.id,
        channels: ['email', 'google_ads'],
        budget: { totalBudget: '12000.50', dailyBudget: '600.00', currency: 'USD' },
        schedule: { startDate: '2025-03-01T00:00:00.000Z', endDate: '2025-03-31T00:00:00.000Z' },
        version: 3,
      }),
    ]);
    const theirs = await listActiveCampaigns(app, tenantB, { limit: 100, offset: 0 });
    expect(theirs.items.map((item) => item.id)).toEqual([other.id]);
  });
});
