import { ServiceTokenError } from '@bizosaas/auth';
import { PlatformCallError } from '@bizosaas/platform-client';
import { CrewError } from './crew.ts';

/**
 * The failure of a call into the platform as the analysis fails with it: an outage (unreachable,
 * 429, 5xx, after the client's retries; or user-management not answering for the token) is
 * PLATFORM_UNAVAILABLE and worth running again; a refusal is PLATFORM_REFUSED and is not.
 */
export function platformFailure(error: unknown): unknown {
  if (error instanceof PlatformCallError)
    return error.transient
      ? new CrewError('PLATFORM_UNAVAILABLE', error.message, true)
      : new CrewError('PLATFORM_REFUSED', error.message, false);
  if (error instanceof ServiceTokenError) {
    const outage = error.status === 0 || error.status === 429 || error.status >= 500;
    return new CrewError(outage ? 'PLATFORM_UNAVAILABLE' : 'PLATFORM_REFUSED', error.message, outage);
  }
  return error;
}

/** True for a refusal of `status` (e.g. 404 of a lead that does not exist). */
export function refusedWith(error: unknown, status: number): error is PlatformCallError {
  return error instanceof PlatformCallError && error.status === status;
}
