import { requirePermission, requirePrincipal } from '@bizosaas/auth';
import { ForbiddenError, RateLimitedError } from '@bizosaas/ddd-kernel';
import {
  createEvent,
  eventCatalogue,
  findDefinition,
  InvalidEventError,
  isSealedValue,
  UnknownEventTypeError,
  upcast,
  type EventEnvelope,
  type EventType,
} from '@bizosaas/event-schemas';
import { publishStreamKey, type Publisher } from '@bizosaas/messaging';
import { errorResponseSchema, type ServiceApp } from '@bizosaas/service-kit';
import { z } from 'zod';
import { sensitiveValues } from '../encryption/sensitive-walk.ts';
import type { BucketLimit, TakeResult } from './token-bucket.ts';

export interface PublishDeps {
  publisher: Publisher;
  /** Stream namespace the publisher writes to (for the answer's `stream`). */
  namespace?: string;
  takeToken: (tenantId: string, limit: BucketLimit) => Promise<TakeResult>;
  limitFor: (tenantId: string) => BucketLimit;
  onPublished?: (type: string) => void;
  /** Seals the event's sensitive fields (src/encryption), so the stream holds ciphertext. */
  seal: (event: EventEnvelope) => Promise<EventEnvelope>;
}

const traceId = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be 1-128 characters of [A-Za-z0-9._:-]');

const publishBody = z.strictObject({
  type: z.string().min(1),
  /** The version `data` is written in; older versions are upcast. Default: the current one. */
  schemaVersion: z.int().min(1).optional(),
  data: z.unknown(),
  /** Optional; must be the token's tenant. */
  tenantId: z.uuid().optional(),
  aggregateId: z.uuid().optional(),
  aggregateVersion: z.int().min(1).optional(),
  /** Default: the request's X-Correlation-ID. */
  correlationId: traceId.optional(),
  causationId: traceId.nullable().optional(),
  /** `high` goes to the aggregate type's high-priority stream, which consumers read first. */
  priority: z.enum(['high', 'normal']).default('normal'),
});

const published = z.object({
  id: z.string(),
  type: z.string(),
  schemaVersion: z.int(),
  stream: z.string(),
  streamEntryId: z.string(),
  correlationId: z.string(),
  occurredAt: z.string(),
});

/**
 * `POST /api/v1/events/publish`: the envelope and the data are checked against the catalogue
 * (400 VALIDATION_ERROR listing every problem), the event is stamped (id, time, correlation,
 * actor = the caller) and appended to its aggregate type's stream. A token bucket per tenant
 * limits the rate (429 RATE_LIMITED with Retry-After).
 */
export function registerPublishRoute(app: ServiceApp, deps: PublishDeps): void {
  app.post(
    '/api/v1/events/publish',
    {
      schema: {
        tags: ['publish'],
        summary: 'Publish an event',
        body: publishBody,
        response: { 202: published, 429: errorResponseSchema },
      },
      onRequest: requirePermission('events:publish'),
    },
    async (request, reply) => {
      const principal = requirePrincipal(request);
      const body = request.body;
      if (body.tenantId !== undefined && body.tenantId.toLowerCase() !== principal.tenantId) {
        throw new ForbiddenError('tenantId must be the tenant of the token', { tenantId: body.tenantId });
      }
      const limit = deps.limitFor(principal.tenantId);
      const token = await deps.takeToken(principal.tenantId, limit);
      if (!token.allowed) {
        throw new RateLimitedError(Math.max(1, Math.ceil(token.retryAfterMs / 1000)), {
          scope: 'tenant',
          limit: limit.burst,
        });
      }
      const definition = findDefinition(eventCatalogue, body.type);
      if (!definition) throw new UnknownEventTypeError(body.type);
      const lifted = upcast(definition, body.schemaVersion ?? definition.schemaVersion, body.data);
      if (!lifted.ok) throw new InvalidEventError(lifted.issues, body.type);
      const event = createEvent({
        type: body.type as EventType,
        tenantId: principal.tenantId,
        actor: { type: 'user', id: principal.userId },
        data: lifted.data as never,
        ...(body.aggregateId ? { aggregateId: body.aggregateId } : {}),
        ...(body.aggregateVersion ? { aggregateVersion: body.aggregateVersion } : {}),
        correlationId: body.correlationId ?? request.id,
        causationId: body.causationId ?? null,
      });
      // The catalogue accepts sealed values (streams carry them); a caller's must be plaintext.
      const sealedByCaller = sensitiveValues(event.data, definition.sensitivePaths).filter(({ value }) =>
        isSealedValue(value),
      );
      if (sealedByCaller.length > 0) {
        throw new InvalidEventError(
          sealedByCaller.map(({ path }) => ({
            path: `data.${path}`,
            message: 'must be plaintext: the bus encrypts sensitive fields itself',
          })),
          body.type,
        );
      }
      const streamEntryId = await deps.publisher.publish(await deps.seal(event), { priority: body.priority });
      deps.onPublished?.(event.type);
      return reply.code(202).send({
        id: event.id,
        type: event.type,
        schemaVersion: event.schemaVersion,
        stream: publishStreamKey(event.aggregateType, deps.namespace, { priority: body.priority }),
        streamEntryId,
        correlationId: event.correlationId,
        occurredAt: event.occurredAt,
      });
    },
  );
}
