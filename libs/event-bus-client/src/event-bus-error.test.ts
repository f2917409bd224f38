import { describe, expect, it } from 'vitest';
import { errorFromAnswer, EventBusError, parseRetryAfter } from './event-bus-error.ts';

describe('EventBusError from an answer', () => {
  it('keeps the platform error shape, Retry-After and the correlation id', () => {
    const error = errorFromAnswer({
      status: 429,
      retryAfter: '7',
      correlationId: 'req-1',
      body: JSON.stringify({ error: 'RATE_LIMITED', message: 'Too many requests', details: { retryAfterSeconds: 7 } }),
    });
    expect(error).toBeInstanceOf(EventBusError);
    expect(error).toMatchObject({
      name: 'EventBusError',
      status: 429,
      code: 'RATE_LIMITED',
      message: 'Too many requests',
      details: { retryAfterSeconds: 7 },
      retryAfterSeconds: 7,
      correlationId: 'req-1',
    });
  });

  it('names any other body by its status', () => {
    expect(errorFromAnswer({ status: 502, body: '', retryAfter: undefined, correlationId: undefined })).toMatchObject({
      code: 'HTTP_502',
      message: 'HTTP 502',
      details: {},
    });
    expect(
      errorFromAnswer({ status: 500, body: '{"error":42}', retryAfter: undefined, correlationId: undefined }),
    ).toMatchObject({ code: 'HTTP_500', message: '{"error":42}' });
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter('Tue, 01 Jan 2030 00:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Mon, 31 Dec 2029 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
