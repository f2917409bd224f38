import type { IncomingHttpHeaders } from 'node:http';
import type { Principal } from '@bizosaas/auth';

// RFC 9110 §7.6.1: connection-specific fields are not forwarded; undici also refuses some of
// them outright. `host` is the upstream's (undici sets it); the client's goes in X-Forwarded-Host.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
  'http2-settings',
  'host',
]);

// Identity headers are the gateway's to set, from the verified token; a client's are dropped.
const CLIENT_IDENTITY = new Set(['x-tenant-id', 'x-user-id', 'x-user-roles']);

export type HeaderMap = Record<string, string | string[]>;

/** Field names a `Connection` header lists; they are hop-by-hop too. */
function connectionListed(connection: string | string[] | undefined): Set<string> | undefined {
  if (connection === undefined) return undefined;
  const value = Array.isArray(connection) ? connection.join(',') : connection;
  return new Set(
    value
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
  );
}

function copyEndToEnd(headers: Record<string, string | string[] | undefined>, drop?: Set<string>): HeaderMap {
  const listed = connectionListed(headers['connection']);
  const out: HeaderMap = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || HOP_BY_HOP.has(name) || drop?.has(name) || listed?.has(name)) continue;
    out[name] = value;
  }
  return out;
}

export interface ForwardedFrom {
  correlationId: string;
  clientIp: string;
  protocol: string;
  host: string;
  principal: Principal | undefined;
}

/** Headers sent upstream: the client's end-to-end ones, minus identity, plus what the gateway vouches for. */
export function upstreamRequestHeaders(headers: IncomingHttpHeaders, from: ForwardedFrom): HeaderMap {
  const out = copyEndToEnd(headers, CLIENT_IDENTITY);
  out['x-correlation-id'] = from.correlationId;
  const prior = headers['x-forwarded-for'];
  out['x-forwarded-for'] = typeof prior === 'string' ? `${prior}, ${from.clientIp}` : from.clientIp;
  out['x-forwarded-proto'] = from.protocol;
  out['x-forwarded-host'] = from.host;
  if (from.principal) {
    out['x-tenant-id'] = from.principal.tenantId;
    out['x-user-id'] = from.principal.userId;
  }
  return out;
}

/** Headers returned to the client: the upstream's end-to-end ones. */
export function clientResponseHeaders(headers: Record<string, string | string[] | undefined>): HeaderMap {
  return copyEndToEnd(headers);
}
