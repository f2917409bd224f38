import type { PassThrough } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type pg from 'pg';
import { z } from 'zod';
import { requirePrincipal } from '@bizosaas/auth';
import { withTransaction } from '@bizosaas/db';
import type { ServiceApp } from '@bizosaas/service-kit';
import type { FeatureModule, NotificationContext } from '../context.ts';
import { createInboxHub } from './inbox-hub.ts';
import { changeInboxItem, readAll, type InboxCaller, type InboxChange } from './inbox-state.ts';
import { openInboxStream } from './inbox-stream.ts';
import {
  countInbox,
  inboxCount,
  inboxItem,
  inboxPage,
  inboxQuery,
  listInbox,
  missedInboxEvents,
} from './inbox.query.ts';

export interface InboxFeatureOptions {
  /** A comment is sent on every open stream this often (default 15 s). */
  heartbeatMs?: number;
  /** At most this many missed messages are replayed after Last-Event-ID (default 200); past it, `event: reload`. */
  replayLimit?: number;
}

const idParams = z.strictObject({ id: z.uuid() });

const streamHeaders = z.object({
  'last-event-id': z
    .uuid()
    .optional()
    .describe('The id of the last message received: the stream first sends the messages sent since.'),
});

const eventStream = {
  description:
    'text/event-stream: `event: ready`, then `id: <messageId>` / `event: message` / `data: {id, subject, body, createdAt}` per message, and `: heartbeat` comments',
  content: { 'text/event-stream': { schema: z.string() } },
};

const CHANGES: { change: InboxChange; operationId: string; summary: string }[] = [
  {
    change: 'read',
    operationId: 'markInboxMessageRead',
    summary: 'Mark a message of the inbox read (the first time records notification.opened)',
  },
  { change: 'unread', operationId: 'markInboxMessageUnread', summary: 'Mark a message of the inbox unread' },
  { change: 'archive', operationId: 'archiveInboxMessage', summary: 'Archive a message: it leaves the inbox' },
  { change: 'unarchive', operationId: 'unarchiveInboxMessage', summary: 'Move an archived message back to the inbox' },
];

type CallerWork<T> = (client: pg.PoolClient, caller: InboxCaller) => Promise<T>;

/** Runs `work` for the signed-in caller inside their tenant's transaction (RLS). */
const callerTransaction =
  (ctx: NotificationContext) =>
  <T>(request: FastifyRequest, work: CallerWork<T>): Promise<T> => {
    const { tenantId, userId } = requirePrincipal(request);
    const caller = { tenantId, userId, requestId: request.id };
    return withTransaction(ctx.pool, (client: pg.PoolClient) => work(client, caller), { tenantId });
  };

/** GET /inbox/stream, with the process's one Redis subscriber and the open streams it ends on close. */
function streamRoute(app: ServiceApp, ctx: NotificationContext, options: InboxFeatureOptions): void {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const replayLimit = options.replayLimit ?? 200;
  const asCaller = callerTransaction(ctx);
  const hub = createInboxHub(ctx.redis, app.log);
  const streams = new Set<PassThrough>();
  // Open streams would hold the server's close for ever: they end first, then the subscriber.
  app.addHook('preClose', async () => {
    for (const stream of streams) stream.end();
  });
  app.addHook('onClose', async () => hub.close());
  app.get(
    '/api/v1/notifications/inbox/stream',
    {
      schema: {
        operationId: 'streamInbox',
        tags: ['inbox'],
        summary: "Server-sent events: each message as it reaches the caller's inbox",
        headers: streamHeaders,
        response: { 200: eventStream },
      },
    },
    async (request, reply) => {
      const { tenantId, userId } = requirePrincipal(request);
      const lastEventId = request.headers['last-event-id'];
      const stream = await openInboxStream({
        hub,
        tenantId,
        userId,
        heartbeatMs,
        log: request.log,
        missed: async () =>
          typeof lastEventId === 'string'
            ? asCaller(request, (client) => missedInboxEvents(client, userId, lastEventId, replayLimit))
            : [],
      });
      streams.add(stream);
      stream.once('close', () => streams.delete(stream));
      // A client gone while the stream was being opened never closes the response again.
      reply.raw.once('close', () => stream.destroy());
      if (request.raw.socket.destroyed) stream.destroy();
      // The schema describes the stream's text for the document; the body sent is the stream itself.
      const streaming: FastifyReply = reply;
      return streaming
        .header('content-type', 'text/event-stream; charset=utf-8')
        .header('cache-control', 'no-cache, no-transform')
        .header('x-accel-buffering', 'no')
        .send(stream);
    },
  );
}

/** The signed-in user's in-app inbox: list, count, read state, archive, and a live stream (SSE). */
export function createInboxFeature(options: InboxFeatureOptions = {}): FeatureModule {
  return (app, ctx) => {
    const asCaller = callerTransaction(ctx);
    app.get(
      '/api/v1/notifications/inbox',
      {
        schema: {
          operationId: 'listInbox',
          tags: ['inbox'],
          summary: "The caller's in-app messages, newest first (archived ones with archived=true)",
          querystring: inboxQuery,
          response: { 200: inboxPage },
        },
      },
      async (request) => asCaller(request, (client, caller) => listInbox(client, caller.userId, request.query)),
    );
    app.get(
      '/api/v1/notifications/inbox/count',
      {
        schema: {
          operationId: 'countInbox',
          tags: ['inbox'],
          summary: 'Unread and total messages of the inbox (archived ones not counted)',
          response: { 200: inboxCount },
        },
      },
      async (request) => asCaller(request, (client, caller) => countInbox(client, caller.userId)),
    );
    for (const { change, operationId, summary } of CHANGES)
      app.post(
        `/api/v1/notifications/inbox/:id/${change}`,
        {
          schema: { operationId, tags: ['inbox'], summary, params: idParams, response: { 200: inboxItem } },
        },
        async (request) =>
          asCaller(request, (client, caller) => changeInboxItem(client, ctx, caller, request.params.id, change)),
      );
    app.post(
      '/api/v1/notifications/inbox/read-all',
      {
        schema: {
          operationId: 'markInboxRead',
          tags: ['inbox'],
          summary: 'Mark every unread message of the inbox read (each records notification.opened)',
          response: { 200: z.object({ updated: z.int() }) },
        },
      },
      async (request) => ({ updated: await asCaller(request, (client, caller) => readAll(client, ctx, caller)) }),
    );
    streamRoute(app, ctx, options);
  };
}

/** The inbox with a heartbeat every 15 s. */
export const inboxFeature: FeatureModule = createInboxFeature();
