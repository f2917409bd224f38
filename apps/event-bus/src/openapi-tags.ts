/** Descriptions of the OpenAPI document's tags (Swagger UI groups operations by them). */
export const openApiTags: Record<string, string> = {
  publish: 'Publish an event of the catalogue onto its stream.',
  history: "The tenant's archived events, filtered and cursor-paged.",
  schemas: 'The event catalogue: every type, its versions and JSON Schema.',
  subscriptions: 'Webhook subscriptions of the tenant: create, list, pause, resume, delete.',
  'dead letters': 'Webhook deliveries that ran out of retries: list, redrive, discard.',
  'consumer dead letters': 'Dead letters of internal consumer groups: list, inspect, redrive to their group, discard.',
  replay: 'Archived events delivered again to a subscription or a consumer group, marked as replays.',
  encryption: "The tenant's data keys and the platform's master-key re-wrap.",
};
