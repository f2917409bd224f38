import type { Redis } from 'ioredis';
import { createPubSubHub, type ChannelListener, type PubSubHub } from '@bizosaas/messaging';
import type { JournalStep } from '../runs/journal.ts';
import type { AnalysisStatus } from './analysis-record.ts';

/** What an analysis's live stream carries: its steps as recorded, LLM tokens as they arrive, its status changes. */
export type AnalysisUpdate =
  | { type: 'step'; step: JournalStep }
  | { type: 'token'; agent: string; delta: string }
  | { type: 'status'; status: AnalysisStatus };

const channelOf = (tenantId: string, analysisId: string) => `bizosaas:ai-agents:analysis:${tenantId}:${analysisId}`;

export interface AnalysisHub {
  publish(tenantId: string, analysisId: string, update: AnalysisUpdate): void;
  listen(tenantId: string, analysisId: string, listener: ChannelListener): Promise<() => void>;
  close(): Promise<void>;
}

/**
 * Live updates of analyses over Redis pub/sub: the replica running an analysis publishes, the
 * replica holding a client's stream listens. Best effort by design: a stream reads the recorded
 * steps from the database first, so an update lost here is only a late one.
 */
export function createAnalysisHub(redis: Redis, log: { warn(object: object, message: string): void }): AnalysisHub {
  const hub: PubSubHub = createPubSubHub(redis, log, 'analysis');
  return {
    publish(tenantId, analysisId, update) {
      redis
        .publish(channelOf(tenantId, analysisId), JSON.stringify(update))
        .catch((error: unknown) => log.warn({ err: error, analysisId }, 'publishing an analysis update failed'));
    },
    listen: (tenantId, analysisId, listener) => hub.listen(channelOf(tenantId, analysisId), listener),
    close: () => hub.close(),
  };
}
