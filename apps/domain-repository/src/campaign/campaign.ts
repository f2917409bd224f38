import type { EventData } from '@bizosaas/event-schemas';
import type { CampaignChannel, CampaignObjective, CampaignType, OptimizationGoal } from './campaign-values.ts';

export const campaignEventTypes = [
  'campaign.created',
  'campaign.scheduled',
  'campaign.launched',
  'campaign.paused',
  'campaign.resumed',
  'campaign.completed',
  'campaign.budget_updated',
  'campaign.optimized',
] as const;
export type CampaignEventType = (typeof campaignEventTypes)[number];

/**
 * What the decider emits and folds: type and data only. The runner wraps them into envelopes
 * (ids, versions, time); envelopes read back from the store fit this shape as they are.
 */
export type CampaignEvent = {
  [T in CampaignEventType]: { readonly type: T; readonly data: EventData<T> };
}[CampaignEventType];

export type CampaignStatus = 'draft' | 'scheduled' | 'active' | 'paused' | 'completed';

/** The budget as stored: `dailyBudget` may be null in events written before daily budgets were required. */
export interface CampaignBudgetState {
  readonly totalBudget: string;
  readonly dailyBudget: string | null;
  readonly currency: string;
}

export interface CampaignScheduleState {
  readonly startDate: string;
  readonly endDate: string | null;
}

export interface ExistingCampaign {
  readonly status: CampaignStatus;
  readonly name: string;
  readonly campaignType: CampaignType;
  readonly objective: CampaignObjective;
  readonly channels: readonly CampaignChannel[];
  readonly budget: CampaignBudgetState;
  readonly schedule: CampaignScheduleState;
  /** Set once AI optimisation is enabled; the campaign service's optimisation loop reads it. */
  readonly optimizationGoal: OptimizationGoal | null;
}

export type Campaign = { readonly status: 'none' } | ExistingCampaign;

export const initialCampaign = (): Campaign => ({ status: 'none' });

export function evolveCampaign(state: Campaign, event: CampaignEvent): Campaign {
  if (event.type === 'campaign.created') {
    const { name, campaignType, objective, channels, budget, schedule } = event.data;
    return { status: 'draft', name, campaignType, objective, channels, budget, schedule, optimizationGoal: null };
  }
  // Events of a stream that was never created cannot come from this decider; ignore them.
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'campaign.scheduled':
      return { ...state, status: 'scheduled', schedule: event.data.schedule };
    case 'campaign.launched':
      return {
        ...state,
        status: 'active',
        channels: event.data.channels,
        schedule: { ...state.schedule, endDate: event.data.scheduledEndDate },
      };
    case 'campaign.paused':
      return { ...state, status: 'paused' };
    case 'campaign.resumed':
      return { ...state, status: 'active' };
    case 'campaign.completed':
      return { ...state, status: 'completed' };
    case 'campaign.budget_updated':
      return { ...state, budget: event.data.budget };
    case 'campaign.optimized':
      return { ...state, optimizationGoal: event.data.optimizationGoal };
  }
}

/** The campaign's event stream: what the write path folds and snapshots. */
export const campaignStream = {
  aggregateType: 'campaign',
  initialState: initialCampaign,
  evolve: evolveCampaign,
  snapshotSchemaVersion: 1,
} as const;
