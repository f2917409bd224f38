import { z } from 'zod';
import { createPlatformClient, type TenantTokenSource } from '@bizosaas/platform-client';
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

const historyAnswer = z.object({ events: z.array(z.unknown()), nextCursor: z.string().nullable() });

/**
 * Reads a sync's archived `integration.records_changed` events from the event-bus history
 * (`POST /api/v1/events/history`, the sync is their aggregate), a platform-internal call, not
 * through the outbound helper. Network errors, 429 and 5xx are retried with backoff.
 */
export function createArchiveReader(options: ArchiveOptions): ArchiveReader {
  const client = createPlatformClient({ ...options, name: 'event-bus' });
  return {
    async read(query, signal) {
      const answer = await client.post(
        query.tenantId,
        '/api/v1/events/history',
        {
          eventTypes: ['integration.records_changed'],
          aggregateId: query.syncId,
          from: query.window.from.toISOString(),
          to: query.window.to.toISOString(),
          limit: query.limit,
          ...(query.cursor !== null && { cursor: query.cursor }),
        },
        200,
        signal,
      );
      return historyAnswer.parse(answer);
    },
    close: client.close,
  };
}
