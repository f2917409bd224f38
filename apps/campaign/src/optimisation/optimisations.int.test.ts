import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { atVersion, publishAll } from '../contacts/contact-test-events.ts';
import { eventually, type TestApp } from '../test-support.ts';
import { chainEvents } from './optimisation-test-events.ts';
import {
  AFTER,
  CHANGE,
  campaignWithActivity,
  chainRows,
  chainsOf,
  listChains,
  startOptimisationApp,
} from './optimisation-test-support.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startOptimisationApp();
});
afterAll(async () => {
  await t?.close();
});

describe('the optimisation chain of a campaign', () => {
  it('records suggestion -> change -> KPI effect once per analysis, under its correlation id', async () => {
    const { caller, campaignId } = await campaignWithActivity(t);
    const chain = chainEvents(caller.tenantId, campaignId, '2026-12-07T11:58:00.000Z');
    const optimized = chain.optimized(CHANGE);
    const completed = chain.completed();
    await publishAll(t, [chain.requested, completed, optimized]);
    const [found] = await eventually(
      async () => chainsOf(t, campaignId, caller.headers),
      (chains) =>
        expect(chains[0]?.events).toMatchObject({ analysisCompleted: completed.id, campaignOptimized: optimized.id }),
    );
    expect(found).toEqual({
      analysisId: chain.analysisId,
      correlationId: chain.correlationId,
      status: 'applied',
      goal: 'maximize_clicks',
      suggestedAt: '2026-12-07T11:59:00.000Z',
      changes: [expect.objectContaining({ kind: 'budget_reallocation', newValue: '420.00' })],
      expectedImprovementPercent: 12.5,
      notAppliedReason: null,
      appliedAt: CHANGE,
      appliedChanges: [expect.objectContaining({ kind: 'budget_reallocation', newValue: '420.00' })],
      kpisAtChange: {
        enrolled: 10,
        sent: 10,
        opened: 4,
        clicked: 2,
        converted: 1,
        openRate: '0.4000',
        clickRate: '0.2000',
        conversionRate: '0.1000',
        spend: '100.00',
      },
      kpisNow: {
        enrolled: 12,
        sent: 10,
        opened: 7,
        clicked: 4,
        converted: 3,
        openRate: '0.7000',
        clickRate: '0.4000',
        conversionRate: '0.2500',
        spend: '150.00',
      },
      effect: { openRate: '0.3000', clickRate: '0.2000', conversionRate: '0.1500', spend: '50.00' },
      events: {
        analysisRequested: chain.requested.id,
        analysisCompleted: completed.id,
        analysisFailed: null,
        campaignOptimized: optimized.id,
      },
    });

    // Redelivered, and replayed under new ids later: the first delivery stands. A later chain on
    // both streams shows when the consumer has read past them.
    const replayed = { ...atVersion(optimized, 9), occurredAt: AFTER };
    const next = chainEvents(caller.tenantId, campaignId, AFTER);
    await publishAll(t, [chain.requested, completed, optimized, replayed, atVersion(completed, 4)]);
    await publishAll(t, [next.requested, next.optimized(AFTER, 10)]);
    const chains = await eventually(
      async () => chainsOf(t, campaignId, caller.headers),
      (both) =>
        expect(both[0]?.events).toMatchObject({
          analysisRequested: next.requested.id,
          campaignOptimized: expect.any(String),
        }),
    );
    expect(chains[1]).toEqual(found);
    expect(await chainRows(t, caller.tenantId)).toBe(2);
  });
});

describe('chains that were not applied, or arrive out of order', () => {
  it('a change consumed before its suggestion: the chain is whole once both arrived', async () => {
    const { caller, campaignId } = await campaignWithActivity(t);
    const chain = chainEvents(caller.tenantId, campaignId, '2026-12-07T11:58:00.000Z');
    await publishAll(t, [chain.optimized(CHANGE)]);
    const [early] = await eventually(
      async () => chainsOf(t, campaignId, caller.headers),
      (chains) => expect(chains).toHaveLength(1),
    );
    expect(early).toMatchObject({
      status: 'applied',
      suggestedAt: null,
      appliedAt: CHANGE,
      kpisAtChange: { sent: 10 },
    });
    expect(early.changes).toEqual(early.appliedChanges);
    await publishAll(t, [chain.requested, chain.completed()]);
    const [whole] = await eventually(
      async () => chainsOf(t, campaignId, caller.headers),
      (chains) => expect(chains[0].events.analysisCompleted).not.toBeNull(),
    );
    expect(whole).toMatchObject({ status: 'applied', suggestedAt: '2026-12-07T11:59:00.000Z', appliedAt: CHANGE });
    expect(whole.events.analysisRequested).toBe(chain.requested.id);
  });

  it('a suggestion only proposed has no change, KPIs at change or effect; a failed analysis says so', async () => {
    const { caller, campaignId } = await campaignWithActivity(t);
    const proposed = chainEvents(caller.tenantId, campaignId, '2026-12-07T10:00:00.000Z');
    const failing = chainEvents(caller.tenantId, campaignId, '2026-12-07T11:00:00.000Z');
    await publishAll(t, [
      proposed.requested,
      proposed.completed({ applied: false, reason: 'proposed only (apply: propose)' }),
      failing.requested,
      failing.failed,
    ]);
    const chains = await eventually(
      async () => chainsOf(t, campaignId, caller.headers),
      (found) => expect(found.map((c: { status: string }) => c.status)).toEqual(['failed', 'suggested']),
    );
    expect(chains[1]).toMatchObject({
      analysisId: proposed.analysisId,
      notAppliedReason: 'proposed only (apply: propose)',
      appliedAt: null,
      appliedChanges: null,
      kpisAtChange: null,
      effect: null,
      kpisNow: { sent: 10, opened: 7 },
    });
    expect(chains[0].events).toMatchObject({ analysisFailed: failing.failed.id, analysisCompleted: null });
    const onlyFailed = await listChains(t, campaignId, caller.headers, '?status=failed');
    expect(onlyFailed.json().optimizations.map((c: { analysisId: string }) => c.analysisId)).toEqual([
      failing.analysisId,
    ]);
  });
});
