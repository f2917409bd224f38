import type { EventEnvelope, EventType, PlatformCatalogue } from '@bizosaas/event-schemas';
import type { z } from 'zod';
import { EventBusError } from './event-bus-error.ts';
import { HttpTransport, type Call, type TransportOptions } from './http-transport.ts';
import {
  createdSubscriptionSchema,
  deadLetterListSchema,
  historyPageSchema,
  publishedSchema,
  redrivenSchema,
  replayResultSchema,
  schemaListSchema,
  subscriptionListSchema,
  subscriptionSchema,
  type CreatedSubscription,
  type DeadLetter,
  type HistoryPage,
  type Published,
  type SchemaEntry,
  type Subscription,
} from './response-schemas.ts';

export type EventBusClientOptions = TransportOptions;

interface PublishTrace {
  /** Must be the token's tenant when given. */
  tenantId?: string;
  aggregateId?: string;
  aggregateVersion?: number;
  /** Default: the request's correlation id. */
  correlationId?: string;
  causationId?: string | null;
  /** `high`: to the aggregate type's high-priority stream, which consumers read first. */
  priority?: 'high' | 'normal';
}

/** What a producer writes for `T` in its current version (fields with defaults may be left out). */
export type EventDataInput<T extends EventType> = z.input<PlatformCatalogue[T]['data']>;

/**
 * A catalogue event in its current version, typed by `type`; or data written in an older (or a
 * newer, unknown to this build) `schemaVersion`, which the bus upcasts and validates.
 */
export type PublishInput<T extends EventType = EventType> = PublishTrace &
  (
    | { type: T; data: EventDataInput<T>; schemaVersion?: number }
    | { type: string; data: unknown; schemaVersion: number }
  );

export interface SubscribeInput {
  /** `lead.created`, `lead.*` or `*`. */
  eventType: string;
  serviceName: string;
  webhookUrl: string;
  /** Equalities on dotted envelope paths, e.g. `{"data.source": "website_form"}`. */
  filter?: Record<string, unknown>;
  /** Every tenant's events: platform service identities only. */
  allTenants?: boolean;
}

export interface HistoryQuery {
  /** Seed 002's `event_types`: only events of these types. */
  eventTypes?: string[];
  from?: Date | string;
  to?: Date | string;
  aggregateId?: string;
  /** A request's whole causal chain across services. */
  correlationId?: string;
  cursor?: string;
  /** Per page, 1-500 (default 50). */
  limit?: number;
}

export interface ReplayInput {
  subscriptionId: string;
  from?: Date | string;
  to?: Date | string;
  correlationId?: string;
  /** At most this many events, oldest first (default 1,000). */
  limit?: number;
}

const iso = (value: Date | string | undefined) => (value instanceof Date ? value.toISOString() : value);
const at = (id: string) => encodeURIComponent(id);

/**
 * The event-bus over HTTP, for services and tools outside the monorepo (seed 002's
 * EventBusClient): every answer is checked against its schema and every failure is an
 * EventBusError. Call `close()` to end the kept-alive connections.
 */
export class EventBusClient {
  private readonly transport: HttpTransport;

  constructor(options: EventBusClientOptions) {
    this.transport = new HttpTransport(options);
  }

  /** Validated, stamped and appended to its stream; the 202 answer. Not retried after a lost answer (it may have been applied). */
  publish<T extends EventType>(event: PublishInput<T>): Promise<Published> {
    return this.request(publishedSchema, {
      method: 'POST',
      path: '/api/v1/events/publish',
      body: event,
      idempotent: false,
    });
  }

  subscribe(input: SubscribeInput): Promise<CreatedSubscription> {
    return this.request(createdSubscriptionSchema, {
      method: 'POST',
      path: '/api/v1/events/subscribe',
      body: input,
      idempotent: false,
    });
  }

  async listSubscriptions(): Promise<Subscription[]> {
    return (
      await this.request(subscriptionListSchema, {
        method: 'GET',
        path: '/api/v1/events/subscriptions',
        idempotent: true,
      })
    ).subscriptions;
  }

  getSubscription(id: string): Promise<Subscription> {
    return this.request(subscriptionSchema, {
      method: 'GET',
      path: `/api/v1/events/subscriptions/${at(id)}`,
      idempotent: true,
    });
  }

  pauseSubscription(id: string): Promise<Subscription> {
    return this.request(subscriptionSchema, {
      method: 'POST',
      path: `/api/v1/events/subscriptions/${at(id)}/pause`,
      idempotent: true,
    });
  }

  /** Also re-enables a disabled subscription; what it missed becomes due at once. */
  resumeSubscription(id: string): Promise<Subscription> {
    return this.request(subscriptionSchema, {
      method: 'POST',
      path: `/api/v1/events/subscriptions/${at(id)}/resume`,
      idempotent: true,
    });
  }

  /** Deletes it and its undelivered events. */
  async deleteSubscription(id: string): Promise<void> {
    await this.transport.call({ method: 'DELETE', path: `/api/v1/events/subscriptions/${at(id)}`, idempotent: false });
  }

  /** One page of the caller's tenant's archived events, in (occurredAt, id) order. */
  history(query: HistoryQuery = {}): Promise<HistoryPage> {
    const body = { ...query, from: iso(query.from), to: iso(query.to) };
    return this.request(historyPageSchema, { method: 'POST', path: '/api/v1/events/history', body, idempotent: true });
  }

  /** Every event matching `query`, page after page (`limit` is the page size). */
  async *iterateHistory(query: Omit<HistoryQuery, 'cursor'> = {}): AsyncGenerator<EventEnvelope> {
    let cursor: string | undefined;
    do {
      const page = await this.history({ ...query, ...(cursor ? { cursor } : {}) });
      yield* page.events;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  /** Archived events of a time range or a correlation chain delivered again to a subscription, marked `metadata.replay`. */
  replay(input: ReplayInput): Promise<{ replayed: number }> {
    const body = { ...input, from: iso(input.from), to: iso(input.to) };
    return this.request(replayResultSchema, { method: 'POST', path: '/api/v1/events/replay', body, idempotent: false });
  }

  /** Webhook deliveries that ran out of retries, each with every attempt. */
  async listDeadLetters(): Promise<DeadLetter[]> {
    return (
      await this.request(deadLetterListSchema, { method: 'GET', path: '/api/v1/events/dead-letters', idempotent: true })
    ).deadLetters;
  }

  /** A fresh retry schedule, due now. */
  redriveDeadLetter(id: string): Promise<{ redriven: number }> {
    return this.request(redrivenSchema, {
      method: 'POST',
      path: `/api/v1/events/dead-letters/${at(id)}/redrive`,
      idempotent: false,
    });
  }

  redriveAllDeadLetters(): Promise<{ redriven: number }> {
    return this.request(redrivenSchema, {
      method: 'POST',
      path: '/api/v1/events/dead-letters/redrive',
      idempotent: false,
    });
  }

  async discardDeadLetter(id: string): Promise<void> {
    await this.transport.call({ method: 'DELETE', path: `/api/v1/events/dead-letters/${at(id)}`, idempotent: false });
  }

  /** The catalogue: every type with its versions, sensitive fields and JSON Schema. */
  async schemas(): Promise<SchemaEntry[]> {
    return (await this.request(schemaListSchema, { method: 'GET', path: '/api/v1/events/schemas', idempotent: true }))
      .schemas;
  }

  close(): Promise<void> {
    return this.transport.close();
  }

  private async request<S extends z.ZodType>(schema: S, call: Call): Promise<z.output<S>> {
    const answer = await this.transport.call(call);
    const parsed = schema.safeParse(answer.body);
    if (parsed.success) return parsed.data;
    const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    throw new EventBusError({
      status: answer.status,
      code: 'INVALID_RESPONSE',
      message: `${call.method} ${call.path}: the answer does not match its schema`,
      details: { issues },
      correlationId: answer.correlationId,
    });
  }
}
