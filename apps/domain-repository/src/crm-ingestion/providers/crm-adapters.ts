import type { CrmNotification, CrmProvider } from '../crm-change.ts';
import { translateHubspot } from './hubspot-event.ts';
import { translateHubspotSyncPage } from './hubspot-sync-page.ts';
import { translatePipedrive } from './pipedrive-event.ts';
import { translateSalesforce } from './salesforce-event.ts';

/** Validates a provider's webhook body (every problem listed, as VALIDATION_ERROR) and translates it. */
export const translateNotification: Readonly<Record<CrmProvider, (body: unknown) => CrmNotification[]>> = {
  salesforce: translateSalesforce,
  // A webhook batch is an array; a page of whole records forwarded by a sync is an object.
  hubspot: (body) => (Array.isArray(body) ? translateHubspot(body) : translateHubspotSyncPage(body)),
  pipedrive: translatePipedrive,
};
