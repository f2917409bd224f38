import { eventStoreSchemaOf } from '@bizosaas/event-store';

/** The schema of the service's own tables (read models, plans, enrolments, ledger, funnels). */
export const SERVICE_SCHEMA = 'campaign';
/** Executions, enrolments and budgets as event streams, with the outbox of campaign.* events. */
export const EVENT_STORE_SCHEMA = eventStoreSchemaOf(SERVICE_SCHEMA);
