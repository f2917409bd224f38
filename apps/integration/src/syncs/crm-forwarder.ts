import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import { Pool } from 'undici';
import type { CrmRecord } from './sources/sync-source.ts';

/**
 * A bearer token for calls into the platform on a tenant's behalf: a service principal of that
 * tenant holding integrations:manage (cache inside; asked before every call).
 */
export type TenantTokenSource = (tenantId: string) => Promise<string>;

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

class TransientForwardError extends Error {}

/**
 * Forwards a page of changed contacts to domain-repository's CRM ingestion
 * (`POST /api/v1/crm-events/hubspot`, HubSpot's CRM v3 list shape with a source marker), a
 * platform-internal call, not through the outbound helper. Each record's notification id is
 * derived there from the sync, the record and its version, so a page sent again after a crash
 * is recognised as a duplicate.
 */
export function createCrmForwarder(options: CrmForwarderOptions): CrmForwarder {
  const url = new URL(options.baseUrl);
  const prefix = url.pathname.replace(/\/+$/, '');
  const pool = new Pool(url.origin, { connections: 8 });
  const timeoutMs = options.timeoutMs ?? 30_000;
  const policy = retry(
    handleWhen((error) => error instanceof TransientForwardError),
    {
      maxAttempts: (options.maxAttempts ?? 4) - 1,
      backoff: new ExponentialBackoff({ initialDelay: options.initialDelayMs ?? 250, maxDelay: 10_000 }),
    },
  );

  async function post(page: ForwardedPage, signal: AbortSignal) {
    const body = JSON.stringify({
      source: { type: 'integration_sync', syncId: page.syncId, runId: page.runId, page: page.page },
      results: page.records,
    });
    // A token user-management refuses is not an outage of domain-repository: it fails the page as it is.
    const token = await options.token(page.tenantId);
    let response;
    try {
      response = await pool.request({
        path: `${prefix}/api/v1/crm-events/hubspot`,
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw error;
      throw new TransientForwardError(`domain-repository unreachable: ${(error as Error).message}`);
    }
    const text = await response.body.text();
    const { statusCode } = response;
    if (statusCode === 202) return JSON.parse(text) as { events: { duplicate: boolean }[] };
    const message = `domain-repository answered ${statusCode}: ${text.slice(0, 300)}`;
    throw statusCode === 429 || statusCode >= 500 ? new TransientForwardError(message) : new Error(message);
  }

  return {
    async forward(page, signal) {
      if (page.records.length === 0) return { accepted: 0, duplicates: 0 };
      const answer = await policy.execute(() => post(page, signal), signal);
      const duplicates = answer.events.filter((event) => event.duplicate).length;
      return { accepted: answer.events.length - duplicates, duplicates };
    },
    close: () => pool.close(),
  };
}
