import { fingerprint } from '@bizosaas/event-store';
import { RunFailure } from './run-failure.ts';

/**
 * Counts each (agent, tool, arguments) of a run: the `limit`th identical call is a loop (an agent
 * asking the same thing again and again never gets anywhere, and each round costs tokens). Fed
 * with recorded steps on a resume, so a loop is caught at the same call either way.
 */
export function createLoopGuard(limit: number) {
  const seen = new Map<string, number>();
  return {
    observe(agent: string, tool: string, args: unknown): void {
      const key = fingerprint([agent, tool, args]);
      const count = (seen.get(key) ?? 0) + 1;
      seen.set(key, count);
      if (count >= limit)
        throw new RunFailure(
          'LOOP_DETECTED',
          `${agent} called ${tool} with the same arguments ${count} times: the run is going round in circles`,
        );
    },
  };
}
