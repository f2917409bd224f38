import { OutboundAddressRefusedError, type OutboundHttp } from '@bizosaas/outbound-http';
import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';

/** A CRM API answer worth retrying: 429, 5xx, a timeout or a dropped connection. */
export class TransientCrmError extends Error {}

export interface CrmHttpOptions {
  /** Outbound HTTP refusing private, loopback and metadata addresses (libs/outbound-http). */
  http: OutboundHttp;
  timeoutMs: number;
  /** Tries per read (the first included) before the failure goes back to the work queue. */
  maxAttempts: number;
  /** First backoff delay; doubles up to 10x (cockatiel's decorrelated jitter). */
  initialDelayMs: number;
}

/** GET a JSON resource of a CRM API: its body, or null for 404 (the record is gone). */
export function createCrmHttp(options: CrmHttpOptions) {
  const policy = retry(
    handleWhen((error) => error instanceof TransientCrmError),
    {
      maxAttempts: options.maxAttempts - 1,
      backoff: new ExponentialBackoff({ initialDelay: options.initialDelayMs, maxDelay: options.initialDelayMs * 10 }),
    },
  );
  return (url: string, headers: Record<string, string>): Promise<unknown> =>
    policy.execute(() => getJson(options.http, url, headers, options.timeoutMs));
}

async function getJson(
  http: OutboundHttp,
  url: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<unknown> {
  let response;
  try {
    response = await http.request(url, {
      headers: { accept: 'application/json', ...headers },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
  } catch (error) {
    // A refused address stays refused: not worth a retry.
    if (error instanceof OutboundAddressRefusedError) throw error;
    throw new TransientCrmError(`${new URL(url).host}: ${(error as Error).message}`);
  }
  const { statusCode } = response;
  if (statusCode === 404) {
    await response.body.dump();
    return null;
  }
  if (statusCode >= 200 && statusCode < 300) return response.body.json();
  const excerpt = (await response.body.text()).slice(0, 300);
  const message = `GET ${new URL(url).pathname} answered ${statusCode}: ${excerpt}`;
  throw statusCode === 429 || statusCode >= 500 ? new TransientCrmError(message) : new Error(message);
}
