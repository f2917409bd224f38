/** Socket and request limits of the HTTP server every service listens with (milliseconds; 0 = none). */
export interface ServerTimeouts {
  /**
   * A socket with no bytes in either direction for this long is destroyed (Node `server.timeout`):
   * a stuck client or handler cannot hold a connection for ever. Default 120 s, above
   * `keepAliveMs` so idle keep-alive sockets are closed by the keep-alive timer first. A service
   * that holds streams open with no traffic (the gateway's text/event-stream routes) sets 0.
   */
  connectionMs?: number;
  /**
   * Time to receive a whole request, headers and body (Node `server.requestTimeout`; 408 after
   * it): slow-loris protection. It ends once the request has arrived, so a long response, an
   * event stream included, is never cut by it. Default 30 s: a body at the largest body limit
   * arrives well within it even on a slow link.
   */
  requestMs?: number;
  /**
   * How long an idle keep-alive connection stays open. Default 65 s: longer than the gateway's
   * upstream pools keep connections (60 s), so the client always closes first. A server closing
   * first races a request the client is sending on that socket at that moment: the request dies
   * with ECONNRESET.
   */
  keepAliveMs?: number;
}

export const DEFAULT_SERVER_TIMEOUTS: Required<ServerTimeouts> = Object.freeze({
  connectionMs: 120_000,
  requestMs: 30_000,
  keepAliveMs: 65_000,
});

/** The Fastify factory options for these timeouts, defaults filled in. */
export function serverTimeoutOptions(timeouts: ServerTimeouts = {}) {
  const { connectionMs, requestMs, keepAliveMs } = { ...DEFAULT_SERVER_TIMEOUTS, ...timeouts };
  return { connectionTimeout: connectionMs, requestTimeout: requestMs, keepAliveTimeout: keepAliveMs };
}
