import { PassThrough } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import { z } from 'zod';
import type { InboxEvent } from '../channels/in-app-channel.ts';
import type { InboxHub } from './inbox-hub.ts';

const inboxEvent = z.object({ id: z.uuid(), subject: z.string().nullable(), body: z.string(), createdAt: z.string() });

// A client this far behind (bytes waiting for its socket) is dropped: it reconnects with
// Last-Event-ID and gets what it missed from the table instead of growing this process's memory.
const MAX_QUEUED_BYTES = 1_048_576;

export interface InboxStreamOptions {
  hub: InboxHub;
  tenantId: string;
  userId: string;
  /** What the client missed before connecting, oldest first; 'too_many' when it should reload the list. */
  missed: () => Promise<readonly InboxEvent[] | 'too_many'>;
  heartbeatMs: number;
  log: FastifyBaseLogger;
}

const frame = (event: InboxEvent) => `id: ${event.id}\nevent: message\ndata: ${JSON.stringify(event)}\n\n`;

function parse(text: string, log: FastifyBaseLogger): InboxEvent | null {
  try {
    return inboxEvent.parse(JSON.parse(text));
  } catch (error) {
    log.warn({ err: error }, 'inbox stream: a published message is not an inbox event; skipped');
    return null;
  }
}

/**
 * The text/event-stream body of one client's inbox stream: `event: ready` once the user's channel
 * is subscribed, then the missed messages, then each message published on the channel
 * (`id: <messageId>`, `event: message`, data `{id, subject, body, createdAt}`), and a comment every
 * `heartbeatMs` so that proxies and the server's idle timeout keep the connection. Subscribing
 * before reading what was missed loses nothing in between; live messages wait until the replay is
 * written and are not sent twice. Destroying the stream (the client went away) unsubscribes.
 */
export async function openInboxStream(options: InboxStreamOptions): Promise<PassThrough> {
  const stream = new PassThrough();
  const replayed = new Set<string>();
  let waiting: InboxEvent[] | null = [];
  const write = (text: string) => {
    if (stream.destroyed) return;
    if (stream.writableLength > MAX_QUEUED_BYTES) stream.destroy();
    else stream.write(text);
  };
  const deliver = (event: InboxEvent) => {
    if (!replayed.has(event.id)) write(frame(event));
  };
  const stop = await options.hub.listen(options.tenantId, options.userId, (text) => {
    const event = parse(text, options.log);
    if (event === null) return;
    if (waiting) waiting.push(event);
    else deliver(event);
  });
  const heartbeat = setInterval(() => write(': heartbeat\n\n'), options.heartbeatMs);
  stream.once('close', () => {
    clearInterval(heartbeat);
    stop();
  });
  write('retry: 3000\nevent: ready\ndata: {}\n\n');
  try {
    const missed = await options.missed();
    if (missed === 'too_many') write('event: reload\ndata: {}\n\n');
    else
      for (const event of missed) {
        replayed.add(event.id);
        write(frame(event));
      }
  } catch (error) {
    stream.destroy();
    throw error;
  }
  for (const event of waiting) deliver(event);
  waiting = null;
  return stream;
}
