export {
  EventBusClient,
  type EventBusClientOptions,
  type EventDataInput,
  type HistoryQuery,
  type PublishInput,
  type ReplayInput,
  type SubscribeInput,
} from './event-bus-client.ts';
export { EventBusError } from './event-bus-error.ts';
export type { TokenSource } from './http-transport.ts';
export type {
  CreatedSubscription,
  DeadLetter,
  HistoryPage,
  Published,
  SchemaEntry,
  Subscription,
} from './response-schemas.ts';
export {
  verifyWebhook,
  webhookSignature,
  WebhookVerificationError,
  type VerifyWebhookInput,
  type WebhookFailure,
  type WebhookHeaders,
} from './webhook-verification.ts';
