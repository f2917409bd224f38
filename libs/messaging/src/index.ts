export { createRedis, reconnectDelay, type CreateRedisOptions } from './create-redis.ts';
export { checkRedis } from './check-redis.ts';
export {
  consumedStreams,
  DEFAULT_STREAM_NAMESPACE,
  deadLetterStreamKey,
  eventStreamKey,
  excusedDeliveriesKey,
  groupStreamKey,
  highPriorityStreamKey,
  type Priority,
} from './stream-names.ts';
export { ENVELOPE_FIELD, fieldValue, toEntries, toStreamFields, type StreamEntry } from './stream-entry.ts';
export {
  createPublisher,
  publishStreamKey,
  type PublishOptions,
  type Publisher,
  type PublisherOptions,
  type StreamTrim,
} from './publisher.ts';
export { ensureGroup } from './ensure-group.ts';
export { DEAD_LETTER_FIELDS, moveToDeadLetter, type DeadLetterInput } from './dead-letter.ts';
export { toDeadLetterEntry, type DeadLetterEntry } from './dead-letter-entry.ts';
export { redriveDeadLetter, type RedriveInput } from './redrive.ts';
export { claimStale, countDeliveries, type ClaimedEntry, type ClaimInput } from './claim-stale.ts';
export {
  type BatchItem,
  type ConsumerSignal,
  type Delivery,
  type EventBatchHandler,
  type EventHandler,
} from './deliver.ts';
export { createConsumer, type Consumer, type ConsumerOptions, type ConsumerStatus } from './consumer.ts';
export { isTransientError } from './transient-error.ts';
export { trimSafely, type TrimResult, type TrimSafelyOptions } from './trim-safely.ts';
export { groupStats, type GroupStats } from './group-stats.ts';
export { createPubSubHub, type ChannelListener, type PubSubHub } from './pubsub-hub.ts';
