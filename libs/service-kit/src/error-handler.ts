import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, RateLimitedError, type FieldIssue } from '@bizosaas/ddd-kernel';
import type { ErrorResponse } from './error-response.ts';

// Codes for framework errors that carry only an HTTP status (bad JSON, body too large, ...).
const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  408: 'REQUEST_TIMEOUT',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE_ENTITY',
  429: 'RATE_LIMITED',
  431: 'HEADERS_TOO_LARGE',
  503: 'SERVICE_UNAVAILABLE',
};

const LOCATION: Record<string, FieldIssue['location']> = {
  body: 'body',
  querystring: 'query',
  params: 'params',
  headers: 'headers',
};

interface Mapped {
  status: number;
  body: ErrorResponse;
  headers?: Record<string, string>;
}

interface ValidationEntry {
  instancePath: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

const pathOf = (instancePath: string) => instancePath.replace(/^\//, '').replaceAll('/', '.');

/** One issue per bad field; zod reports all unknown keys of an object in one issue, so it is split per key. */
function validationIssues(error: FastifyError & { validation: ValidationEntry[] }): FieldIssue[] {
  const location = LOCATION[error.validationContext ?? 'body'] ?? 'body';
  return error.validation.flatMap((issue) => {
    const keys = issue.params?.['keys'];
    if (issue.keyword === 'unrecognized_keys' && Array.isArray(keys)) {
      const parent = pathOf(issue.instancePath);
      const message = location === 'query' ? 'unknown parameter' : 'unknown field';
      return keys.map((key) => ({ path: parent ? `${parent}.${String(key)}` : String(key), message, location }));
    }
    return [{ path: pathOf(issue.instancePath) || '(root)', message: issue.message ?? 'is invalid', location }];
  });
}

/** Maps any thrown value to the one error shape. Pure, so it is tested without a server. */
export function mapError(error: unknown): Mapped {
  if (error instanceof AppError) {
    const headers = error instanceof RateLimitedError ? { 'retry-after': String(error.retryAfterSeconds) } : undefined;
    return {
      status: error.status,
      body: { error: error.code, message: error.message, details: error.details },
      ...(headers && { headers }),
    };
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = validationIssues(error);
    return {
      status: 400,
      body: {
        error: 'VALIDATION_ERROR',
        message: `Request validation failed: ${issues.length} problem(s)`,
        details: { issues },
      },
    };
  }
  const fastifyError = error as Partial<FastifyError>;
  const status = fastifyError.statusCode;
  if (!isResponseSerializationError(error) && status && status >= 400 && status < 500) {
    const code = CODE_BY_STATUS[status] ?? 'BAD_REQUEST';
    const details = fastifyError.code ? { reason: fastifyError.code } : {};
    return { status, body: { error: code, message: fastifyError.message ?? code, details } };
  }
  return { status: 500, body: { error: 'INTERNAL_ERROR', message: 'Internal server error', details: {} } };
}

export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const mapped = mapError(error);
  if (mapped.status >= 500) request.log.error({ err: error }, 'request failed');
  else request.log.info({ code: mapped.body.error }, 'request rejected');
  if (mapped.headers) void reply.headers(mapped.headers);
  return reply.status(mapped.status).send(mapped.body);
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply.status(404).send({
    error: 'NOT_FOUND',
    message: `Route ${request.method} ${request.url.split('?')[0]} not found`,
    details: {},
  } satisfies ErrorResponse);
}
