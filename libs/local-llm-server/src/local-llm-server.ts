import { timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { completionBody, completionChunks, eventStream } from './completion-body.ts';
import { defaultResponder, type ChatCompletionRequest, type Reply, type ReplyError, type Responder } from './reply.ts';

export interface LocalLlmServerOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** When set, every request needs `Authorization: Bearer <apiKey>` (else 401 in OpenAI's error shape). */
  apiKey?: string;
  /** Default: {@link defaultResponder}. */
  reply?: Responder;
  /** The model named when a request names none, and listed by GET /v1/models. Default `local-model`. */
  model?: string;
}

export interface LocalLlmServer {
  /** The base URL clients are given, ending in `/v1`. */
  readonly url: string;
  /** Every chat completion request body that passed authentication, in the order received. */
  readonly calls: ChatCompletionRequest[];
  /** Replaces how the next calls are answered (a constant reply or a responder). */
  setReply(reply: Responder | Reply): void;
  /** Stops listening, drops open connections and cancels pending delays. */
  close(): Promise<void>;
}

const BODY_LIMIT_BYTES = 16 * 1024 * 1024;

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly error: ReplyError,
  ) {
    super(error.message);
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

const sendError = (response: ServerResponse, status: number, error: ReplyError) =>
  sendJson(response, status, { error: { ...error, param: null } });

function authorised(request: IncomingMessage, apiKey: string | undefined): boolean {
  if (apiKey === undefined) return true;
  const given = Buffer.from(request.headers.authorization ?? '');
  const expected = Buffer.from(`Bearer ${apiKey}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function readRequest(request: IncomingMessage): Promise<ChatCompletionRequest> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of request as AsyncIterable<Buffer>) {
    size += part.length;
    if (size > BODY_LIMIT_BYTES)
      throw new HttpFailure(413, { message: 'Request body too large', type: 'invalid_request_error', code: null });
    parts.push(part);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(parts).toString('utf8'));
  } catch {
    throw new HttpFailure(400, { message: 'The body is not valid JSON', type: 'invalid_request_error', code: null });
  }
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { messages?: unknown }).messages))
    throw new HttpFailure(400, {
      message: "Missing required parameter: 'messages'",
      type: 'invalid_request_error',
      code: 'missing_required_parameter',
    });
  return body as ChatCompletionRequest;
}

/**
 * Starts a server speaking OpenAI's Chat Completions wire format on 127.0.0.1: POST
 * /v1/chat/completions (JSON, or `text/event-stream` when `stream: true`) answered by the
 * responder, and GET /v1/models.
 */
export async function startLocalLlmServer(options: LocalLlmServerOptions = {}): Promise<LocalLlmServer> {
  const host = options.host ?? '127.0.0.1';
  const model = options.model ?? 'local-model';
  const calls: ChatCompletionRequest[] = [];
  let responder = options.reply ?? defaultResponder;
  const closing = new AbortController();

  async function complete(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readRequest(request);
    const callIndex = calls.push(body) - 1;
    const reply = await responder(body, callIndex);
    if (reply.delayMs) {
      // A client that gave up (its timeout) or a server closing ends the wait: nothing left to answer.
      const gone = new AbortController();
      response.once('close', () => gone.abort());
      const signal = AbortSignal.any([gone.signal, closing.signal]);
      const waited = await sleep(reply.delayMs, true, { signal }).catch(() => false);
      if (!waited) return;
    }
    if ((reply.status !== undefined && reply.status !== 200) || reply.error)
      return sendError(
        response,
        reply.status ?? 500,
        reply.error ?? { message: 'The local server was told to fail', type: 'server_error', code: null },
      );
    const identity = {
      id: `chatcmpl-local-${callIndex + 1}`,
      created: Math.floor(Date.now() / 1000),
      model: body.model ?? model,
      callIndex,
    };
    if (body.stream !== true) return sendJson(response, 200, completionBody(body, reply, identity));
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    response.end(eventStream(completionChunks(body, reply, identity)));
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!authorised(request, options.apiKey))
      return sendError(response, 401, {
        message: 'Incorrect API key provided.',
        type: 'invalid_request_error',
        code: 'invalid_api_key',
      });
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'POST' && path === '/v1/chat/completions') return complete(request, response);
    if (request.method === 'GET' && path === '/v1/models')
      return sendJson(response, 200, {
        object: 'list',
        data: [{ id: model, object: 'model', created: 0, owned_by: 'local' }],
      });
    sendError(response, 404, {
      message: `Unknown request URL: ${request.method} ${path}`,
      type: 'invalid_request_error',
      code: 'unknown_url',
    });
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (response.headersSent) return void response.destroy();
      if (error instanceof HttpFailure) return sendError(response, error.status, error.error);
      sendError(response, 500, { message: String(error), type: 'server_error', code: null });
    });
  });
  server.listen(options.port ?? 0, host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  let closed = Promise.resolve();
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/v1`,
    calls,
    setReply(reply) {
      responder = typeof reply === 'function' ? reply : () => reply;
    },
    close() {
      if (!closing.signal.aborted) {
        closing.abort();
        closed = once(server, 'close').then(() => undefined);
        server.close();
        server.closeAllConnections();
      }
      return closed;
    },
  };
}
