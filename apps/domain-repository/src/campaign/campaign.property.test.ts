import { AppError, Money } from '@bizosaas/ddd-kernel';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  campaignStream,
  evolveCampaign,
  initialCampaign,
  type Campaign,
  type CampaignEvent,
  type CampaignStatus,
} from './campaign.ts';
import { campaignDecider, type CampaignCommand } from './campaign-decider.ts';
import { campaignId, createInput } from './campaign-test-fixtures.ts';
import { readBack, snapshotRoundTrip } from '../write-side/stored-round-trip.ts';

const day = 86_400_000;
const base = Date.parse('2025-03-01T00:00:00.000Z');
const at = (days: number) => new Date(base + days * day);

const amount = fc.integer({ min: 0, max: 20_000 }).map((n) => `${n}.${String(n % 100).padStart(2, '0')}`);
const budget = fc.record({ totalBudget: amount, dailyBudget: amount, currency: fc.constantFrom('USD', 'EUR') });
const schedule = fc
  .tuple(fc.integer({ min: -10, max: 60 }), fc.option(fc.integer({ min: -5, max: 60 }), { nil: null }))
  .map(([start, length]) => ({
    startDate: at(start).toISOString(),
    endDate: length === null ? null : at(start + length).toISOString(),
  }));
const reason = fc.option(fc.constantFrom('budget review', 'creative refresh'), { nil: null });

/** Any command the API can send, valid or not, at any time in a window around the schedules. */
const command: fc.Arbitrary<CampaignCommand> = fc
  .tuple(
    fc.oneof(
      fc
        .tuple(budget, schedule)
        .map(([b, s]) => ({ type: 'campaign.create' as const, data: { ...createInput, budget: b, schedule: s } })),
      schedule.map((s) => ({ type: 'campaign.schedule' as const, data: { campaignId, schedule: s } })),
      fc.constant({ type: 'campaign.launch' as const, data: { campaignId } }),
      reason.map((r) => ({ type: 'campaign.pause' as const, data: { campaignId, reason: r } })),
      reason.map((r) => ({ type: 'campaign.resume' as const, data: { campaignId, reason: r } })),
      fc
        .constantFrom('manual', 'budget_exhausted')
        .map((r) => ({ type: 'campaign.complete' as const, data: { campaignId, reason: r, note: null } })),
      budget.map((b) => ({ type: 'campaign.update_budget' as const, data: { campaignId, budget: b } })),
      // Enabling only: applied changes are new facts each time, so they are not repeats (see optimize-campaign.test.ts).
      fc.constantFrom('minimize_cpa', 'maximize_roas').map((goal) => ({
        type: 'campaign.optimize' as const,
        data: { campaignId, optimizationGoal: goal, analysisId: null, changes: [], expectedImprovementPercent: null },
      })),
    ),
    fc.integer({ min: -5, max: 80 }),
  )
  .map(([c, days]) => ({ ...c, metadata: { now: at(days) } }));

/** Histories mostly start with a create, so the later commands meet every status. */
const createFirst = fc
  .tuple(fc.integer({ min: -5, max: 80 }), fc.array(command, { maxLength: 40 }))
  .map(([days, rest]): CampaignCommand[] => [
    { type: 'campaign.create', data: { ...createInput }, metadata: { now: at(days) } },
    ...rest,
  ]);
const commands = fc.oneof(
  { arbitrary: createFirst, weight: 4 },
  { arbitrary: fc.array(command, { maxLength: 40 }), weight: 1 },
);

/** Runs commands in order; refused ones (kernel errors only) change nothing. */
function run(
  commands: readonly CampaignCommand[],
  onStep: (before: Campaign, events: readonly CampaignEvent[], after: Campaign) => void,
) {
  let state = initialCampaign();
  for (const c of commands) {
    let events: readonly CampaignEvent[] = [];
    try {
      events = campaignDecider.decide(c, state);
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
    }
    const after = events.reduce(evolveCampaign, state);
    onStep(state, events, after);
    state = after;
  }
  return state;
}

const allowedMoves: Record<CampaignStatus | 'none', readonly string[]> = {
  none: ['none', 'draft'],
  draft: ['draft', 'scheduled', 'active'],
  scheduled: ['scheduled', 'active'],
  active: ['active', 'paused', 'completed'],
  paused: ['paused', 'active', 'completed'],
  completed: ['completed'],
};

describe('campaign invariants (property-based)', () => {
  it('no command changes a completed campaign, and status only moves along the lifecycle', () => {
    fc.assert(
      fc.property(commands, (sequence) => {
        run(sequence, (before, events, after) => {
          if (before.status === 'completed') expect(events).toEqual([]);
          expect(allowedMoves[before.status]).toContain(after.status);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('the events read back from the store (JSON, parsed and upcast by their schemas) are the events decided', () => {
    fc.assert(
      fc.property(commands, (sequence) => {
        const emitted: CampaignEvent[] = [];
        run(sequence, (_before, events) => emitted.push(...events));
        expect(readBack(emitted, at(0), campaignId)).toStrictEqual(emitted);
      }),
      { numRuns: 300 },
    );
  });

  it('a snapshot of any state reached loads back as that state', () => {
    fc.assert(
      fc.property(commands, (sequence) => {
        const state = run(sequence, () => {});
        expect(snapshotRoundTrip(campaignStream, state)).toStrictEqual(state);
      }),
      { numRuns: 300 },
    );
  });

  it('every accepted budget keeps 0 < daily <= total', () => {
    fc.assert(
      fc.property(commands, (sequence) => {
        run(sequence, (_before, _events, after) => {
          if (after.status === 'none') return;
          const { totalBudget, dailyBudget, currency } = after.budget;
          const total = Money.of(totalBudget, currency);
          const daily = Money.of(dailyBudget!, currency);
          expect(Money.isZero(daily)).toBe(false);
          expect(Money.compare(daily, total)).toBeLessThanOrEqual(0);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('a command repeated right after it was accepted yields no events', () => {
    fc.assert(
      fc.property(commands, (sequence) => {
        let state = initialCampaign();
        for (const c of sequence) {
          try {
            const events = campaignDecider.decide(c, state);
            state = events.reduce(evolveCampaign, state);
            if (events.length > 0) expect(campaignDecider.decide(c, state)).toEqual([]);
          } catch (error) {
            expect(error).toBeInstanceOf(AppError);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a campaign only goes live (launch or resume) while its schedule has not ended', () => {
    fc.assert(
      fc.property(commands, (sequence) => {
        let step = 0;
        run(sequence, (_before, events, after) => {
          const now = sequence[step]!.metadata.now.getTime();
          step += 1;
          if (
            after.status === 'none' ||
            !events.some((e) => e.type === 'campaign.launched' || e.type === 'campaign.resumed')
          )
            return;
          if (after.schedule.endDate !== null) expect(Date.parse(after.schedule.endDate)).toBeGreaterThanOrEqual(now);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('the generated histories reach every status (so the properties above are not vacuous)', () => {
    const reached = new Set<string>();
    fc.assert(
      fc.property(commands, (sequence) => {
        run(sequence, (_before, _events, after) => reached.add(after.status));
      }),
      { numRuns: 300, seed: 42 },
    );
    expect([...reached].sort()).toEqual(['active', 'completed', 'draft', 'none', 'paused', 'scheduled']);
  });
});
