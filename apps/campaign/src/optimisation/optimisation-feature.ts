import { eventConsumerFeature } from '../consumers/event-consumer.ts';
import type { FeatureModule } from '../context.ts';
import { optimisationRoutes } from './optimisation.routes.ts';
import { recordChainStep } from './record-chain-step.ts';

const recordChains = eventConsumerFeature({
  name: 'optimisations',
  aggregateTypes: ['ai_analysis', 'campaign'],
  handle: (event, client) => recordChainStep(client, event),
});

/**
 * The record of ai-agents' optimisation loop (which watches launched campaigns and applies its
 * changes through domain-repository): each suggestion, its change and the KPIs' move since, as
 * one correlation chain; and the command switching the loop on.
 */
export const optimisationFeature: FeatureModule = (app, ctx) => {
  recordChains(app, ctx);
  optimisationRoutes(app, ctx);
};
