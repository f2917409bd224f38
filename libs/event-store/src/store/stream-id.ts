/** `<aggregateType>-<aggregateId>`, the events' stream_id (and the snapshots' key). */
export function streamId(aggregateType: string, aggregateId: string): string {
  return `${aggregateType}-${aggregateId}`;
}
