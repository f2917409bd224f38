// What the notification benches share: the migrated bench database, the built services as child
// processes, and a local SMTP sink that accepts everything and notes when each message arrived.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { APP_ROLE, DEV_APP_PASSWORD, DEV_WORKER_PASSWORD, WORKER_ROLE, migrateDatabase } from '@bizosaas/db/migrations';

// autocannon.d.ts declares the options the other benches use; these benches also build each
// request's body (a transactionId of its own per request). autocannon's `idReplacement` is no help:
// it sets Content-Length for ids of 27 characters more than `[<id>]`, and its ids grow longer.
declare module 'autocannon' {
  interface Options {
    requests?: { setupRequest: (request: { body?: string }) => { body?: string } }[];
  }
}

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const ownerUrl = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/bizosaas_bench';
export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const roleUrl = (role: string, password: string) =>
  Object.assign(new URL(ownerUrl), { username: role, password }).toString();

/**
 * Migrates the bench database with every service's migrations and empties the notification
 * delivery queue: messages an interrupted run left queued would otherwise be sent during this one.
 */
export async function prepareBenchDatabase(): Promise<{ DATABASE_URL: string; WORKER_DATABASE_URL: string }> {
  await migrateDatabase({ url: ownerUrl, appPassword: DEV_APP_PASSWORD, workerPassword: DEV_WORKER_PASSWORD });
  const owner = new pg.Client({ connectionString: ownerUrl });
  await owner.connect();
  await owner.query('TRUNCATE notification.delivery_queue');
  // Not inside a spread checkpoint another benchmark's WAL started (as end-to-end-latency.ts).
  await owner
    .query('CHECKPOINT')
    .catch((error: Error) => console.warn(`no CHECKPOINT before the runs: ${error.message}`));
  await owner.end();
  return {
    DATABASE_URL: roleUrl(APP_ROLE, DEV_APP_PASSWORD),
    WORKER_DATABASE_URL: roleUrl(WORKER_ROLE, DEV_WORKER_PASSWORD),
  };
}

/** The built services (`node tools/build.mjs <app>`), stopped together. */
export function createFleet() {
  const children: ChildProcess[] = [];
  let stopping = false;
  return {
    /**
     * Starts apps/<app>/dist/main.js on 127.0.0.1:<port>. Its output is kept, not shown: the
     * gateway logs every request a load run's end cuts off. The last of it is printed when the
     * process exits before `stop`. Returns the child (its pid: /proc figures such as peak RSS).
     */
    start(app: string, port: number, env: Record<string, string>, nodeArgs: readonly string[] = []): ChildProcess {
      const child = spawn(process.execPath, [...nodeArgs, `apps/${app}/dist/main.js`], {
        cwd: root,
        env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', REDIS_URL: redisUrl, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
      child.stdout?.on('data', keep);
      child.stderr?.on('data', keep);
      child.on('exit', (code, signal) => {
        if (!stopping) console.error(`${app} on port ${port} exited early (${code ?? signal}):\n${output}`);
      });
      children.push(child);
      return child;
    },
    /** SIGTERM, and SIGKILL to those still running after `graceMs` (kept-alive clients hold a close up). */
    async stop(graceMs = 10_000): Promise<void> {
      stopping = true;
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
              child.once('exit', () => {
                clearTimeout(timer);
                resolve();
              });
              child.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}

/** A port nothing listens on now (the machine is shared: fixed ports may be taken). */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

export async function waitReady(port: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(`http://127.0.0.1:${port}/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`port ${port} not ready`);
}

export interface SmtpSink {
  url: string;
  /** Messages accepted so far. */
  received(): number;
  /** Arrival time (Date.now()) of every accepted message, by its first recipient, in arrival order. */
  arrivals: Map<string, number>;
  close(): Promise<void>;
}

/** An SMTP server on 127.0.0.1 that accepts every message, reads it to the end and parses nothing. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const arrivals = new Map<string, number>();
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 1_000,
    // The service pools connections; each sends many messages.
    maxClients: 1_000,
    onData(stream, session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        received += 1;
        arrivals.set(session.envelope.rcptTo[0]?.address ?? `#${received}`, Date.now());
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('the SMTP sink has no TCP address');
  return {
    url: `smtp://127.0.0.1:${address.port}`,
    received: () => received,
    arrivals,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The value below which `share` of the sorted samples lie (nearest rank). */
export const percentile = (sorted: readonly number[], share: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)] ?? 0;
