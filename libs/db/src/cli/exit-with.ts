import { inspect } from 'node:util';

/**
 * Ends a db:* command. The explicit exit is needed: the WASM schema engine leaves 10-second
 * timers behind after each call, which would otherwise keep the process alive.
 */
export function exitWith(error?: unknown, command = 'db'): never {
  if (error !== undefined) {
    process.stderr.write(`${command} failed: ${error instanceof Error ? error.message : inspect(error)}\n`);
  }
  process.exit(error === undefined ? 0 : 1);
}
