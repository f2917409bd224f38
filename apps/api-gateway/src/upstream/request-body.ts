import type { IncomingMessage } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';
import { AppError } from '@bizosaas/ddd-kernel';

/** 413 answered by the gateway itself: the body is over its limit, declared or counted. */
export class PayloadTooLargeError extends AppError {
  constructor(limit: number) {
    super('PAYLOAD_TOO_LARGE', 413, `Request body is larger than ${limit} bytes`, { limit });
  }
}

/**
 * How much of a body the gateway will not forward it reads and drops to keep the client's
 * connection, as a multiple of the body limit. Past it the connection is closed instead.
 */
const DRAIN_FACTOR = 4;

/**
 * After an answer given while the client is still sending its body (refused at the edge, or
 * the service answered early): the rest of the body is read and dropped so the client's writes
 * never stall on a full socket and the kept-alive connection carries its next request. Closing
 * instead would make a client still writing meet a reset before it reads the answer. A body
 * longer than the drain budget ends the connection. Returns false when the answer must say
 * `connection: close` (the declared length is already over budget).
 */
export function drainUnreadBody(raw: IncomingMessage, limit: number): boolean {
  const budget = DRAIN_FACTOR * limit;
  if (Number(raw.headers['content-length'] ?? 0) > budget) return false;
  let dropped = 0;
  raw.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > budget) raw.socket.destroy();
  });
  raw.resume();
  return true;
}

/**
 * A request body on its way upstream: counted, and cut with PayloadTooLargeError at the limit.
 * undici destroys the stream it sends when the upstream call ends or fails; handing it this
 * stream instead of the client's request keeps the client's connection out of that. When it
 * ends before the client's body did, the rest of the client's body is drained.
 */
export class ForwardedBody extends Transform {
  private received = 0;

  constructor(
    source: IncomingMessage,
    private readonly limit: number,
  ) {
    super();
    source.pipe(this);
    this.once('close', () => {
      if (source.complete && source.readableEnded) return;
      source.unpipe(this);
      drainUnreadBody(source, limit);
    });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.received += chunk.length;
    if (this.received > this.limit) done(new PayloadTooLargeError(this.limit));
    else done(null, chunk);
  }
}

/**
 * The body to send upstream, or undefined for a request without one. A declared
 * Content-Length over the limit is refused before anything is read; a chunked body is
 * counted while it streams.
 */
export function forwardedBody(raw: IncomingMessage, payload: unknown, limit: number): ForwardedBody | undefined {
  if (payload === undefined) return undefined;
  const declared = raw.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) throw new PayloadTooLargeError(limit);
  return new ForwardedBody(raw, limit);
}
