import type { Decider } from '@bizosaas/ddd-kernel';
import { evolveCampaign, initialCampaign, type Campaign, type CampaignEvent } from './campaign.ts';
import { completeCampaign, type CompleteCampaign } from './complete-campaign/complete-campaign.ts';
import { createCampaign, type CreateCampaign } from './create-campaign/create-campaign.ts';
import { launchCampaign, type LaunchCampaign } from './launch-campaign/launch-campaign.ts';
import { optimizeCampaign, type OptimizeCampaign } from './optimize-campaign/optimize-campaign.ts';
import { pauseCampaign, type PauseCampaign } from './pause-campaign/pause-campaign.ts';
import { resumeCampaign, type ResumeCampaign } from './resume-campaign/resume-campaign.ts';
import { scheduleCampaign, type ScheduleCampaign } from './schedule-campaign/schedule-campaign.ts';
import { updateCampaignBudget, type UpdateCampaignBudget } from './update-campaign-budget/update-campaign-budget.ts';

export type CampaignCommand =
  | CreateCampaign
  | ScheduleCampaign
  | LaunchCampaign
  | PauseCampaign
  | ResumeCampaign
  | CompleteCampaign
  | UpdateCampaignBudget
  | OptimizeCampaign;

function decideCampaign(command: CampaignCommand, state: Campaign): readonly CampaignEvent[] {
  switch (command.type) {
    case 'campaign.create':
      return createCampaign(command, state);
    case 'campaign.schedule':
      return scheduleCampaign(command, state);
    case 'campaign.launch':
      return launchCampaign(command, state);
    case 'campaign.pause':
      return pauseCampaign(command, state);
    case 'campaign.resume':
      return resumeCampaign(command, state);
    case 'campaign.complete':
      return completeCampaign(command, state);
    case 'campaign.update_budget':
      return updateCampaignBudget(command, state);
    case 'campaign.optimize':
      return optimizeCampaign(command, state);
  }
}

/** The Campaign aggregate: pure lifecycle rules (time from `metadata.now`, the id in every command). */
export const campaignDecider: Decider<CampaignCommand, Campaign, CampaignEvent> = {
  initialState: initialCampaign,
  decide: decideCampaign,
  evolve: evolveCampaign,
};
