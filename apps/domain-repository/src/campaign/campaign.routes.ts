import type { ServiceApp } from '@bizosaas/service-kit';
import type { RoutesContext } from '../write-side/routes-context.ts';
import { activeCampaignsRoute } from './campaign-list/active-campaigns.route.ts';
import { completeCampaignRoute } from './complete-campaign/complete-campaign.route.ts';
import { createCampaignRoute } from './create-campaign/create-campaign.route.ts';
import { getCampaignRoute } from './get-campaign/get-campaign.route.ts';
import { launchCampaignRoute } from './launch-campaign/launch-campaign.route.ts';
import { optimizeCampaignRoute } from './optimize-campaign/optimize-campaign.route.ts';
import { pauseCampaignRoute } from './pause-campaign/pause-campaign.route.ts';
import { resumeCampaignRoute } from './resume-campaign/resume-campaign.route.ts';
import { scheduleCampaignRoute } from './schedule-campaign/schedule-campaign.route.ts';
import { updateCampaignBudgetRoute } from './update-campaign-budget/update-campaign-budget.route.ts';

/** Every campaign slice's route, in the order the OpenAPI page lists them ("/active" is a static segment: it never matches an id). */
export const campaignRoutes = [
  createCampaignRoute,
  activeCampaignsRoute,
  getCampaignRoute,
  scheduleCampaignRoute,
  launchCampaignRoute,
  pauseCampaignRoute,
  resumeCampaignRoute,
  completeCampaignRoute,
  updateCampaignBudgetRoute,
  optimizeCampaignRoute,
] as const satisfies readonly ((app: ServiceApp, ctx: RoutesContext) => void)[];
