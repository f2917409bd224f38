import type pg from 'pg';
import type { Redis } from 'ioredis';
import type { FastifyBaseLogger } from 'fastify';
import { AppError } from '@bizosaas/ddd-kernel';
import type { DomainEvent, PlatformCatalogue } from '@bizosaas/event-schemas';
import { createInboxHandler, type EventStore } from '@bizosaas/event-store';
import { createConsumer, eventStreamKey, type Consumer, type ConsumerSignal, type Delivery } from '@bizosaas/messaging';
import { leadStream } from '../lead/lead.ts';
import { leadDecider, type LeadCommandUnion } from '../lead/lead-decider.ts';
import { decideOnStream, type WriteMetadata } from '../write-side/decide-on-stream.ts';
import { EVENT_STORE_SCHEMA } from '../write-side/write-side.ts';
import { readLeadScoringPolicy } from './lead-scoring-policy.ts';
import { reactionToScore, scoredLeadOf, type ScoredLead } from './score-reaction.ts';

/** The consumer group on the ai_analysis stream; also the inbox key of its effects. */
export const LEAD_SCORING_GROUP = 'domain-repository.lead-scoring';

/** Who the events the policy causes name as their actor. */
const ACTOR = { type: 'system', id: 'lead-scoring-policy' } as const;

/** Refusals a redelivery cannot change: the lead moved on (qualified, converted, closed) or is not this tenant's. */
const FINAL = new Set(['BUSINESS_RULE_VIOLATION', 'TENANT_ISOLATION_VIOLATION', 'VALIDATION_ERROR']);

export interface LeadScoringConsumerOptions {
  readonly redis: Redis;
  /** App role: each event's effect runs under its tenant. */
  readonly pool: pg.Pool;
  readonly store: EventStore<PlatformCatalogue>;
  readonly now: () => Date;
  /** Key namespace of the platform's event streams. */
  readonly namespace: string;
  /** This replica in the group (the pod name). */
  readonly consumerName: string;
  readonly log: FastifyBaseLogger;
  readonly onSignal?: (signal: ConsumerSignal) => void;
}

/**
 * Reacts to AI lead scores (`ai.analysis_completed` of `lead_scoring`) by the tenant's policy:
 * qualifies the lead or marks it for nurturing. The policy read, the lead's decision and the
 * inbox record commit in one transaction, so each event's effect happens once however often it
 * is delivered. A new group starts at new entries: scores published before it existed stay as
 * they are.
 */
export function createLeadScoringConsumer(options: LeadScoringConsumerOptions): Consumer {
  const { log, store } = options;
  let lastClient: pg.PoolClient | undefined;
  const inbox = createInboxHandler<DomainEvent>({
    pool: options.pool,
    schema: EVENT_STORE_SCHEMA,
    consumer: LEAD_SCORING_GROUP,
    async handle(event, client) {
      lastClient = client;
      const scored = scoredLeadOf(event);
      if (scored.kind === 'scored') await react(event, scored.lead, client);
    },
  });

  async function react(event: DomainEvent, lead: ScoredLead, client: pg.PoolClient): Promise<void> {
    const reaction = reactionToScore(await readLeadScoringPolicy(client), lead);
    const context = { eventId: event.id, tenantId: event.tenantId, leadId: lead.leadId, analysisId: lead.analysisId };
    if (reaction.type === 'none') {
      log.info({ ...context, reason: reaction.reason }, 'lead score: left for a person to qualify');
      return;
    }
    const metadata: WriteMetadata = {
      now: options.now(),
      tenantId: event.tenantId,
      actor: ACTOR,
      correlationId: event.correlationId,
      causationId: event.id,
    };
    const command = { ...reaction, metadata } as LeadCommandUnion;
    try {
      const decided = await decideOnStream(store, client, leadStream, { aggregateId: lead.leadId }, metadata, (state) =>
        leadDecider.decide(command, state),
      );
      log.info({ ...context, events: decided.events.map((e) => e.type) }, `lead score: ${reaction.type}`);
    } catch (error) {
      // Thrown by decide, before any statement failed: the inbox record still commits.
      if (!(error instanceof AppError) || !FINAL.has(error.code)) throw error;
      log.info({ ...context, code: error.code, reason: error.message }, 'lead score: lead skipped');
    }
  }

  const handler = async (event: DomainEvent, delivery: Delivery) => {
    const scored = scoredLeadOf(event);
    if (scored.kind === 'ignored') return;
    if (scored.kind === 'invalid') {
      log.warn({ eventId: event.id, reason: scored.reason }, 'lead score: results without a lead and score, ignored');
      return;
    }
    try {
      await inbox(event, delivery);
    } finally {
      // Wakes the outbox relay after the commit (a rolled-back attempt only wakes it for nothing).
      if (lastClient) store.committed(lastClient);
      lastClient = undefined;
    }
  };

  return createConsumer({
    redis: options.redis,
    streams: [eventStreamKey('ai_analysis', options.namespace)],
    group: LEAD_SCORING_GROUP,
    consumer: options.consumerName,
    handler,
    startId: '$',
    // PostgreSQL down pauses the consumer instead of spending the events' deliveries.
    healthCheck: () => options.pool.query('SELECT 1'),
    ...(options.onSignal && { onSignal: options.onSignal }),
  });
}
