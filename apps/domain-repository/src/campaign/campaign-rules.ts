import {
  and,
  BusinessRuleViolation,
  isNonEmpty,
  Money,
  NotFoundError,
  ruleViolation,
  specification,
  type Specification,
} from '@bizosaas/ddd-kernel';
import type { Campaign, CampaignBudgetState, CampaignStatus, ExistingCampaign } from './campaign.ts';

/** What the lifecycle rules look at: the campaign (as it would be after the change), its id, the command's time. */
export interface CampaignCheck {
  readonly campaignId: string;
  readonly campaign: ExistingCampaign;
  readonly now: Date;
}

export interface BudgetChange extends CampaignCheck {
  readonly budget: CampaignBudgetState;
}

const stateOf = (check: CampaignCheck) => ({ currentStatus: check.campaign.status, campaignId: check.campaignId });

function statusIn(rule: string, allowed: readonly CampaignStatus[]): Specification<CampaignCheck> {
  return specification<CampaignCheck>(
    rule,
    (check) => allowed.includes(check.campaign.status),
    (check) => ({
      reason: `Campaign is ${check.campaign.status}; needs ${allowed.join(' or ')}`,
      details: stateOf(check),
    }),
  );
}

/** An open-ended schedule never ends; otherwise the end must not be before the command's time. */
function scheduleNotEnded(rule: string): Specification<CampaignCheck> {
  return specification<CampaignCheck>(
    rule,
    ({ campaign, now }) => campaign.schedule.endDate === null || Date.parse(campaign.schedule.endDate) >= now.getTime(),
    (check) => ({ reason: `Campaign schedule ended at ${check.campaign.schedule.endDate}`, details: stateOf(check) }),
  );
}

/**
 * Pacing needs both amounts: events written before daily budgets were required may lack one,
 * and such a campaign must get a budget update before it goes live.
 */
const hasBudget = specification<CampaignCheck>(
  'campaign.launch.requires_budget',
  ({ campaign: { budget } }) =>
    budget.dailyBudget !== null && !Money.isZero(Money.of(budget.totalBudget, budget.currency)),
  (check) => ({ reason: 'Campaign needs a total and a daily budget to launch', details: stateOf(check) }),
);

/** Spend is tracked in the budget's currency by the campaign service, so it is fixed once the campaign ran. */
const currencyKeptAfterLaunch = specification<BudgetChange>(
  'campaign.budget.currency_fixed_after_launch',
  ({ campaign, budget }) =>
    ['draft', 'scheduled'].includes(campaign.status) || budget.currency === campaign.budget.currency,
  (check) => ({
    reason: `Campaign budget currency stays ${check.campaign.budget.currency} after launch`,
    details: stateOf(check),
  }),
);

export const canSchedule = and(
  statusIn('campaign.schedule.requires_draft_or_scheduled', ['draft', 'scheduled']),
  scheduleNotEnded('campaign.schedule.end_not_in_past'),
);
export const canLaunch = and(
  statusIn('campaign.launch.requires_draft_or_scheduled', ['draft', 'scheduled']),
  hasBudget,
  scheduleNotEnded('campaign.launch.schedule_not_ended'),
);
export const canPause = statusIn('campaign.pause.requires_active', ['active']);
export const canResume = and(
  statusIn('campaign.resume.requires_paused', ['paused']),
  scheduleNotEnded('campaign.resume.schedule_not_ended'),
);
export const canComplete = statusIn('campaign.complete.requires_active_or_paused', ['active', 'paused']);
export const canUpdateBudget = and<BudgetChange>(
  statusIn('campaign.budget.not_completed', ['draft', 'scheduled', 'active', 'paused']),
  currencyKeptAfterLaunch,
);
export const canOptimize = statusIn('campaign.optimize.not_completed', ['draft', 'scheduled', 'active', 'paused']);

/**
 * Throws one BUSINESS_RULE_VIOLATION naming the first broken rule, with `currentStatus` and
 * `campaignId` always in `details` (also when several rules broke) and every failure under `violations`.
 */
export function assertCampaignRule<T extends CampaignCheck>(spec: Specification<T>, check: T): void {
  const failures = spec.explain(check);
  if (!isNonEmpty(failures)) return;
  const violation = ruleViolation(failures);
  throw new BusinessRuleViolation(failures[0].rule, violation.message, { ...violation.details, ...stateOf(check) });
}

/** The campaign a command targets; a stream with no `campaign.created` is a missing campaign (404). */
export function existingCampaign(state: Campaign, campaignId: string): ExistingCampaign {
  if (state.status === 'none') throw new NotFoundError('Campaign not found', { campaignId });
  return state;
}
