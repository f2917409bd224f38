import { z } from 'zod';
import { ValidationError } from '@bizosaas/ddd-kernel';

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
const queryValue = z.string().max(4096);

export const proxyRequestBody = z.strictObject({
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']),
  /** Relative to the provider's baseUrl: `/v1/customers`. No scheme, host, query or `..`. */
  path: z.string().min(1).max(2048),
  query: z.record(z.string().min(1).max(200), z.union([queryValue, z.array(queryValue).max(100)])).optional(),
  /** Sent as given, except those that authenticate or frame the request (refused). */
  headers: z
    .record(
      z.string().regex(HEADER_NAME),
      z
        .string()
        .max(8192)
        .regex(/^[^\r\n\0]*$/),
    )
    .optional(),
  /** A string is sent as is (with the content-type given); any other JSON value as JSON. */
  body: z.unknown().optional(),
});
export type ProxyRequest = z.output<typeof proxyRequestBody>;

// RFC 3986 path characters; anything else (space, `?`, `#`, `\`) has no place in a path here.
const PATH = /^(\/[A-Za-z0-9\-._~!$&'()*+,;=:@%]*)+$/;
const invalid = (path: string, message: string) =>
  new ValidationError('Invalid proxy request', [{ path, message, location: 'body' }]);

/** `baseUrl` + `path` + `query`, never leaving the provider's base URL (400 otherwise). */
export function targetUrl(baseUrl: string, path: string, query: ProxyRequest['query']): URL {
  if (!PATH.test(path) || path.startsWith('//'))
    throw invalid(
      'path',
      'must be a path relative to the provider: /segment/segment, no scheme, host, query or fragment',
    );
  const segments = path.split('/').map(decodedSegment);
  if (segments.some((segment) => segment === null || segment === '.' || segment === '..' || /[/\\]/.test(segment)))
    throw invalid('path', "must not leave the provider's base URL: no '.' or '..' segments, no encoded slashes");
  const base = new URL(baseUrl);
  const basePath = base.pathname.replace(/\/+$/, '');
  const url = new URL(`${basePath}${path}`, base.origin);
  if (url.origin !== base.origin || !url.pathname.startsWith(`${basePath}/`))
    throw invalid('path', "must not leave the provider's base URL");
  for (const [name, value] of Object.entries(query ?? {}))
    for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(name, item);
  return url;
}

function decodedSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

// Credentials are the connection's, and framing is the HTTP client's.
const REFUSED = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'keep-alive',
  'expect',
]);

/** The caller's headers, lower-cased; any that authenticate (`auth`: the provider's) or frame the request is 400. */
export function callerHeaders(headers: ProxyRequest['headers'], auth: Record<string, string>): Record<string, string> {
  const result: Record<string, string> = {};
  const refused: string[] = [];
  for (const [name, value] of Object.entries(headers ?? {})) {
    const lower = name.toLowerCase();
    if (REFUSED.has(lower) || Object.hasOwn(auth, lower)) refused.push(name);
    else result[lower] = value;
  }
  if (refused.length > 0)
    throw new ValidationError(
      'Invalid proxy request',
      refused.map((name) => ({
        path: `headers.${name}`,
        message: 'is set by the platform (credentials and framing): it may not be given',
        location: 'body' as const,
      })),
    );
  return result;
}

/** The request body and its content type; a GET or HEAD has none (400). */
export function outgoingBody(
  request: ProxyRequest,
  headers: Record<string, string>,
): { body?: string; contentType?: string } {
  if (request.body === undefined) return {};
  if (request.method === 'GET' || request.method === 'HEAD')
    throw invalid('body', `a ${request.method} request has no body`);
  if (typeof request.body === 'string')
    return { body: request.body, contentType: headers['content-type'] ?? 'text/plain; charset=utf-8' };
  return { body: JSON.stringify(request.body), contentType: headers['content-type'] ?? 'application/json' };
}
