import type { CrmNotification, CrmProvider } from '../crm-change.ts';
import { translateHubspot } from './hubspot-event.ts';
import { translatePipedrive } from './pipedrive-event.ts';
import { translateSalesforce } from './salesforce-event.ts';

/** Validates a provider's webhook body (every problem listed, as VALIDATION_ERROR) and translates it. */
export const translateNotification: Readonly<Record<CrmProvider, (body: unknown) => CrmNotification[]>> = {
  salesforce: translateSalesforce,
  hubspot: translateHubspot,
  pipedrive: translatePipedrive,
};
