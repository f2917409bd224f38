import { createPlatformClient, type TenantTokenSource } from '@bizosaas/platform-client';
import type { CrmRecord } from './sources/sync-source.ts';

export interface CrmForwarderOptions {
  /** domain-repository (DOMAIN_REPOSITORY_URL). */
  baseUrl: string;
  token: TenantTokenSource;
  timeoutMs?: number;
  maxAttempts?: number;
  initialDelayMs?: number;
}

export interface ForwardedPage {
  tenantId: string;
  syncId: string;
  runId: string;
  page: number;
  records: readonly CrmRecord[];
}

export interface CrmForwarder {
  /** Resolves once domain-repository has stored every record (a repeat counts as a duplicate). */
  forward(page: ForwardedPage, signal: AbortSignal): Promise<{ accepted: number; duplicates: number }>;
  close(): Promise<void>;
}

/**
 * Forwards a page of changed contacts to domain-repository's CRM ingestion
 * (`POST /api/v1/crm-events/hubspot`, HubSpot's CRM v3 list shape with a source marker), a
 * platform-internal call, not through the outbound helper. Each record's notification id is
 * derived there from the sync, the record and its version, so a page sent again after a crash
 * is recognised as a duplicate.
 */
export function createCrmForwarder(options: CrmForwarderOptions): CrmForwarder {
  const client = createPlatformClient({ ...options, name: 'domain-repository', connections: 8 });
  return {
    async forward(page, signal) {
      if (page.records.length === 0) return { accepted: 0, duplicates: 0 };
      const answer = (await client.post(
        page.tenantId,
        '/api/v1/crm-events/hubspot',
        {
          source: { type: 'integration_sync', syncId: page.syncId, runId: page.runId, page: page.page },
          results: page.records,
        },
        202,
        signal,
      )) as { events: { duplicate: boolean }[] };
      const duplicates = answer.events.filter((event) => event.duplicate).length;
      return { accepted: answer.events.length - duplicates, duplicates };
    },
    close: client.close,
  };
}
