import type { CrmFields, CrmProvider } from '../crm-change.ts';
import type { createCrmHttp } from './crm-http.ts';
import { HUBSPOT_PROPERTIES, hubspotFields } from './hubspot-event.ts';
import { pipedriveFields } from './pipedrive-event.ts';
import { salesforceFields } from './salesforce-event.ts';

/** Reads a record's whole current state from its CRM; null when the CRM no longer has it. */
export type CrmRecordReader = (entity: string, externalId: string) => Promise<CrmFields | null>;

/** One account per provider (base URL and credentials from configuration). */
export interface CrmApiAccounts {
  salesforce: { baseUrl?: string | undefined; accessToken?: string | undefined; apiVersion: string };
  hubspot: { baseUrl: string; accessToken?: string | undefined };
  pipedrive: { baseUrl?: string | undefined; apiToken?: string | undefined };
}

type Http = ReturnType<typeof createCrmHttp>;

function configured(
  provider: string,
  baseUrl: string | undefined,
  token: string | undefined,
  variables: string,
): { baseUrl: string; token: string } {
  if (!baseUrl || !token) throw new Error(`the ${provider} REST API is not configured (${variables})`);
  return { baseUrl: baseUrl.replace(/\/+$/, ''), token };
}

const asRecord = (body: unknown): Record<string, unknown> =>
  body && typeof body === 'object' ? (body as Record<string, unknown>) : {};

export function crmRecordReaders(accounts: CrmApiAccounts, http: Http): Record<CrmProvider, CrmRecordReader> {
  return {
    // GET /services/data/vXX.X/sobjects/{Lead|Contact}/{id}: the record's fields at the top level.
    async salesforce(entity, id) {
      const { salesforce: sf } = accounts;
      const { baseUrl, token } = configured(
        'Salesforce',
        sf.baseUrl,
        sf.accessToken,
        'CRM_SALESFORCE_BASE_URL, CRM_SALESFORCE_ACCESS_TOKEN',
      );
      const body = await http(
        `${baseUrl}/services/data/v${sf.apiVersion}/sobjects/${entity}/${encodeURIComponent(id)}`,
        { authorization: `Bearer ${token}` },
      );
      return body === null ? null : salesforceFields(asRecord(body));
    },
    // GET /crm/v3/objects/contacts/{id}?properties=...: { id, properties, archived }.
    async hubspot(_entity, id) {
      const { baseUrl, token } = configured(
        'HubSpot',
        accounts.hubspot.baseUrl,
        accounts.hubspot.accessToken,
        'CRM_HUBSPOT_ACCESS_TOKEN',
      );
      const query = new URLSearchParams({ properties: Object.keys(HUBSPOT_PROPERTIES).join(',') });
      const body = await http(`${baseUrl}/crm/v3/objects/contacts/${encodeURIComponent(id)}?${query.toString()}`, {
        authorization: `Bearer ${token}`,
      });
      return body === null ? null : hubspotFields(asRecord(asRecord(body).properties));
    },
    // GET /api/v2/persons/{id}: { success, data }.
    async pipedrive(_entity, id) {
      const { baseUrl, token } = configured(
        'Pipedrive',
        accounts.pipedrive.baseUrl,
        accounts.pipedrive.apiToken,
        'CRM_PIPEDRIVE_BASE_URL, CRM_PIPEDRIVE_API_TOKEN',
      );
      const body = await http(`${baseUrl}/api/v2/persons/${encodeURIComponent(id)}`, { 'x-api-token': token });
      return body === null ? null : pipedriveFields(asRecord(asRecord(body).data));
    },
  };
}
