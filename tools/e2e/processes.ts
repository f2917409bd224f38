import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

// Ports handed out by freePort come from a block of this vitest worker's own, below the kernel's
// ephemeral range: a port the kernel picked for listen(0) and then released could be picked again
// for another test file's process before ours binds it, and a service of that file would answer in
// its place. Outside vitest (tools/fault) the block of worker 0.
const PORTS_PER_WORKER = 500;
const firstPort = 20_000 + Number(process.env.VITEST_POOL_ID ?? 0) * PORTS_PER_WORKER;
let handedOut = 0;

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A port nobody listens on, from this worker's block (never one another worker hands out). */
export async function freePort(): Promise<number> {
  for (let tried = 0; tried < PORTS_PER_WORKER; tried += 1) {
    const port = firstPort + (handedOut++ % PORTS_PER_WORKER);
    if (await isFree(port)) return port;
  }
  throw new Error(`no free port in ${firstPort}-${firstPort + PORTS_PER_WORKER - 1}`);
}

export interface Started {
  child: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts a real process; its output is kept for failure messages. */
export function start(command: string, args: string[], env: Record<string, string> = {}): Started {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  return {
    child,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      const [code] = (await once(child, 'exit')) as [number | null];
      return code;
    },
  };
}

/** Polls until `check` returns a value other than undefined; fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const reason = last instanceof Error ? String(last) : JSON.stringify(last);
  throw new Error(`Timed out waiting for ${what}${last ? `: ${reason}` : ''}`);
}

/** Waits until `baseUrl`/ready answers 200; `context` (process output) is added to a timeout's message. */
export async function untilReady(baseUrl: string, timeoutMs: number, context: () => string): Promise<void> {
  await eventually(
    async () => ((await getJson(`${baseUrl}/ready`)).status === 200 ? true : undefined),
    timeoutMs,
    `${baseUrl} ready\n${context()}`,
  );
}

export async function getJson(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(5_000) });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> };
}
