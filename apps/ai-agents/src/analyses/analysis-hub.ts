import type { Redis } from 'ioredis';
import { createPubSubHub, type ChannelListener, type PubSubHub } from '@bizosaas/messaging';
import type { JournalStep } from '../runs/journal.ts';
import { TERMINAL_STATUSES, type AnalysisStatus } from './analysis-record.ts';

/** What an analysis's live stream carries: its steps as recorded, LLM tokens as they arrive, its status changes. */
export type AnalysisUpdate =
  | { type: 'step'; step: JournalStep }
  | { type: 'token'; agent: string; delta: string }
  | { type: 'status'; status: AnalysisStatus };

const TOKEN_FLUSH_MS = 50;

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
  // An LLM streams a token at a time: deltas of one analysis are merged for TOKEN_FLUSH_MS into one
  // message (a step or status update sends what is pending first, so the order holds).
  const pending = new Map<string, { tenantId: string; analysisId: string; agent: string; delta: string }>();
  let timer: NodeJS.Timeout | undefined;
  // Whether anyone listened to an analysis's last update (PUBLISH answers how many received it):
  // tokens are sent only while someone does; steps and statuses always, which also finds a new listener.
  const watched = new Map<string, boolean>();
  const send = (tenantId: string, analysisId: string, update: AnalysisUpdate) => {
    const key = `${tenantId}:${analysisId}`;
    redis
      .publish(channelOf(tenantId, analysisId), JSON.stringify(update))
      .then((receivers) => {
        if (update.type === 'status' && TERMINAL_STATUSES.includes(update.status)) watched.delete(key);
        else watched.set(key, receivers > 0);
      })
      .catch((error: unknown) => log.warn({ err: error, analysisId }, 'publishing an analysis update failed'));
  };
  const flush = (key: string) => {
    const tokens = pending.get(key);
    if (!tokens) return;
    pending.delete(key);
    send(tokens.tenantId, tokens.analysisId, { type: 'token', agent: tokens.agent, delta: tokens.delta });
  };
  const flushAll = () => {
    timer = undefined;
    for (const key of [...pending.keys()]) flush(key);
  };
  return {
    publish(tenantId, analysisId, update) {
      const key = `${tenantId}:${analysisId}`;
      if (update.type !== 'token') {
        flush(key);
        send(tenantId, analysisId, update);
        return;
      }
      if (watched.get(key) === false) return;
      const tokens = pending.get(key);
      if (tokens?.agent === update.agent) tokens.delta += update.delta;
      else {
        flush(key);
        pending.set(key, { tenantId, analysisId, agent: update.agent, delta: update.delta });
      }
      timer ??= setTimeout(flushAll, TOKEN_FLUSH_MS);
    },
    listen: (tenantId, analysisId, listener) => hub.listen(channelOf(tenantId, analysisId), listener),
    async close() {
      clearTimeout(timer);
      flushAll();
      await hub.close();
    },
  };
}
