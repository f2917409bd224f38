/** Default key namespace of event streams. */
export const DEFAULT_STREAM_NAMESPACE = 'bizosaas:events';

/**
 * The stream of one aggregate type: `bizosaas:events:{lead}`. The braces are a Redis Cluster
 * hash tag, so a stream and its dead-letter stream hash to one slot (the dead-letter move
 * is a single-slot script) while different aggregate types spread over the cluster.
 */
export function eventStreamKey(aggregateType: string, namespace = DEFAULT_STREAM_NAMESPACE): string {
  if (!/^[a-z][a-z0-9_]*$/.test(aggregateType)) {
    throw new Error(`aggregateType must be snake_case, got "${aggregateType}"`);
  }
  return `${namespace}:{${aggregateType}}`;
}

/** `<stream>:dlq`, same hash tag as the stream. */
export function deadLetterStreamKey(stream: string): string {
  return `${stream}:dlq`;
}

/** Publishing priority; `high` entries go to the stream's high companion, read first. */
export type Priority = 'normal' | 'high';

/** `<stream>:high`: high-priority events of the stream, same hash tag. */
export function highPriorityStreamKey(stream: string): string {
  return `${stream}:high`;
}

/**
 * `<stream>:group:<group>`: entries meant for one consumer group only (redriven dead letters,
 * replays). Only that group's consumers read it; same hash tag as the stream.
 */
export function groupStreamKey(stream: string, group: string): string {
  return `${stream}:group:${group}`;
}

/**
 * What a consumer of `group` on `stream` reads, in reading order: the high companion, the
 * group's own stream, then the stream itself.
 */
export function consumedStreams(stream: string, group: string): [high: string, own: string, normal: string] {
  return [highPriorityStreamKey(stream), groupStreamKey(stream, group), stream];
}

/**
 * `<stream>:excused:<group>`: a hash of entry id -> deliveries of that entry that ended in a
 * dependency outage (see ConsumerOptions.healthCheck); same hash tag as the stream.
 */
export function excusedDeliveriesKey(stream: string, group: string): string {
  return `${stream}:excused:${group}`;
}
