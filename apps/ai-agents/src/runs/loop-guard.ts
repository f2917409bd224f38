import { createHash } from 'node:crypto';
import { RunFailure } from './run-failure.ts';

/** JSON with object keys sorted: the same arguments in another key order are the same call. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

/**
 * Counts each (agent, tool, arguments) of a run: the `limit`th identical call is a loop (an agent
 * asking the same thing again and again never gets anywhere, and each round costs tokens). Fed
 * with recorded steps on a resume, so a loop is caught at the same call either way.
 */
export function createLoopGuard(limit: number) {
  const seen = new Map<string, number>();
  return {
    observe(agent: string, tool: string, args: unknown): void {
      const key = createHash('sha256')
        .update(`${agent}\u0000${tool}\u0000${canonicalJson(args)}`)
        .digest('base64');
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
