import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import { Pool } from 'undici';
import { z } from 'zod';
import type { TenantTokenSource } from './crm-forwarder.ts';
import type { ReplayWindow } from './replay-window.ts';

export interface ArchiveOptions {
  /** The event-bus (EVENT_BUS_URL). */
  baseUrl: string;
  /** A token of the tenant holding events:subscribe (history answers its sensitive fields opened). */
  token: TenantTokenSource;
  timeoutMs?: number;
  maxAttempts?: number;
  initialDelayMs?: number;
}

export interface ArchiveQuery {
  tenantId: string;
  syncId: string;
  window: ReplayWindow;
  /** The history's nextCursor of the page before; null for the first page. */
  cursor: string | null;
  limit: number;
}

export interface ArchivePage {
  events: unknown[];
  nextCursor: string | null;
}

export interface ArchiveReader {
  /** One page of the sync's archived records_changed events in the window, oldest first. */
  read(query: ArchiveQuery, signal: AbortSignal): Promise<ArchivePage>;
  close(): Promise<void>;
}

class TransientArchiveError extends Error {}

const historyAnswer = z.object({ events: z.array(z.unknown()), nextCursor: z.string().nullable() });

/**
 * Reads a sync's archived `integration.records_changed` events from the event-bus history
 * (`POST /api/v1/events/history`, the sync is their aggregate), a platform-internal call, not
 * through the outbound helper. Network errors, 429 and 5xx are retried with backoff.
 */
export function createArchiveReader(options: ArchiveOptions): ArchiveReader {
  const url = new URL(options.baseUrl);
  const prefix = url.pathname.replace(/\/+$/, '');
  const pool = new Pool(url.origin, { connections: 4 });
  const timeoutMs = options.timeoutMs ?? 30_000;
  const policy = retry(
    handleWhen((error) => error instanceof TransientArchiveError),
    {
      maxAttempts: (options.maxAttempts ?? 4) - 1,
      backoff: new ExponentialBackoff({ initialDelay: options.initialDelayMs ?? 250, maxDelay: 10_000 }),
    },
  );

  async function post(query: ArchiveQuery, signal: AbortSignal): Promise<ArchivePage> {
    const body = JSON.stringify({
      eventTypes: ['integration.records_changed'],
      aggregateId: query.syncId,
      from: query.window.from.toISOString(),
      to: query.window.to.toISOString(),
      limit: query.limit,
      ...(query.cursor !== null && { cursor: query.cursor }),
    });
    // A token user-management refuses is not an outage of the event-bus: it fails the read as it is.
    const token = await options.token(query.tenantId);
    let response;
    try {
      response = await pool.request({
        path: `${prefix}/api/v1/events/history`,
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
      throw new TransientArchiveError(`event-bus unreachable: ${(error as Error).message}`);
    }
    const text = await response.body.text();
    const { statusCode } = response;
    if (statusCode === 200) return historyAnswer.parse(JSON.parse(text));
    const message = `event-bus history answered ${statusCode}: ${text.slice(0, 300)}`;
    throw statusCode === 429 || statusCode >= 500 ? new TransientArchiveError(message) : new Error(message);
  }

  return {
    read: (query, signal) => policy.execute(() => post(query, signal), signal),
    close: () => pool.close(),
  };
}
