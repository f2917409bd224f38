export { createCampaignOptimizationCrew, type CampaignOptimizationDeps } from './campaign-optimization-crew.ts';
export type { GuardrailsSource } from './campaign-operator.ts';
