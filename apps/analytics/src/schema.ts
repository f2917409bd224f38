import { eventStoreSchemaOf } from '@bizosaas/event-store';

/** The schema of the service's own tables (dashboards, saved funnels, reports). */
export const SERVICE_SCHEMA = 'analytics';
/** The log of every received event, the projections' read tables and the outbox (analytics.* events). */
export const EVENT_STORE_SCHEMA = eventStoreSchemaOf(SERVICE_SCHEMA);
