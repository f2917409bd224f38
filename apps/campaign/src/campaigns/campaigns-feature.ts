import { eventConsumerFeature } from '../consumers/event-consumer.ts';
import { applyCampaignEvent } from './campaign-read-model.ts';

/** The campaigns read model, fed by domain-repository's campaign.* events. */
export const campaignsFeature = eventConsumerFeature({
  name: 'campaigns',
  aggregateTypes: ['campaign'],
  handle: (event, client) => applyCampaignEvent(client, event),
});
