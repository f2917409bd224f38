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
