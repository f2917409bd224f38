import { z } from 'zod';

/** The platform's one error body: `{error, message, details}`. */
const errorBody = z.object({
  error: z.string().min(1),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).default({}),
});

/**
 * Every failure of an EventBusClient call. `status` is the HTTP status, or 0 when no answer
 * came (`code` CONNECTION_FAILED, TIMEOUT or TOKEN_UNAVAILABLE). `code` and `details` are the platform's
 * (`VALIDATION_ERROR` with `details.issues`, `TENANT_ISOLATION_VIOLATION`, `RATE_LIMITED`, ...);
 * a body that is not the platform's shape gets `HTTP_<status>`, and an answer that does not
 * match the documented response `INVALID_RESPONSE`.
 */
export class EventBusError extends Error {
  override readonly name = 'EventBusError';
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>;
  /** Seconds to wait before trying again (429, from Retry-After). */
  readonly retryAfterSeconds: number | undefined;
  /** The X-Correlation-ID of the request, to find it in the service's logs. */
  readonly correlationId: string | undefined;

  constructor(fields: {
    status: number;
    code: string;
    message: string;
    details?: Record<string, unknown>;
    retryAfterSeconds?: number | undefined;
    correlationId?: string | undefined;
    cause?: unknown;
  }) {
    super(fields.message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.status = fields.status;
    this.code = fields.code;
    this.details = fields.details ?? {};
    this.retryAfterSeconds = fields.retryAfterSeconds;
    this.correlationId = fields.correlationId;
  }
}

export interface ErrorAnswer {
  status: number;
  body: string;
  retryAfter: string | undefined;
  correlationId: string | undefined;
}

/** The EventBusError an HTTP error answer means. */
export function errorFromAnswer(answer: ErrorAnswer): EventBusError {
  const parsed = errorBody.safeParse(parseJson(answer.body));
  const common = {
    status: answer.status,
    retryAfterSeconds: parseRetryAfter(answer.retryAfter),
    correlationId: answer.correlationId,
  };
  if (parsed.success) {
    const { error, message, details } = parsed.data;
    return new EventBusError({ ...common, code: error, message, details });
  }
  return new EventBusError({
    ...common,
    code: `HTTP_${answer.status}`,
    message: answer.body.slice(0, 200) || `HTTP ${answer.status}`,
  });
}

/** Retry-After in seconds: delta-seconds or an HTTP date (RFC 9110). */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
