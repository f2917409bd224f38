import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';

export interface PgAdapterOptions {
  /** DATABASE_URL: the service's connection as the non-owner app role. */
  databaseUrl: string;
  /** DATABASE_POOL_MAX: connections in this process's pool. */
  poolMax: number;
  /** The PostgreSQL schema the service owns, e.g. `campaign`. */
  schema: string;
  /** How long a query waits for a connection before failing (default 5 s). */
  connectionTimeoutMs?: number;
  /** Pool and idle-connection errors (a restarted server, a dropped socket); default: ignored. */
  onError?: (error: Error) => void;
}

/**
 * The service's pg pool: its schema as search_path (so raw SQL can name tables bare), the
 * non-owner app role of `databaseUrl`. It replaces broken connections by itself, so a restarted
 * server is picked up; idle-connection errors go to `onError` instead of crashing the process.
 */
export function createPgPool(options: PgAdapterOptions): pg.Pool {
  if (!/^[a-z_][a-z0-9_]*$/.test(options.schema)) throw new Error(`Bad schema name: ${options.schema}`);
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.poolMax,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
    options: `-c search_path=${options.schema}`,
  });
  pool.on('error', options.onError ?? (() => {}));
  return pool;
}

/**
 * The driver adapter a generated PrismaClient takes: `new PrismaClient({ adapter })`, over
 * `pool` (by default a new createPgPool). `$disconnect` ends the pool. Passing the pool lets the
 * service use it for raw work such as readiness probes, which then do not load Prisma's query
 * compiler (about 30 MB of memory) in a process that has not made a Prisma query yet.
 */
export function createPgAdapter(options: PgAdapterOptions, pool: pg.Pool = createPgPool(options)): PrismaPg {
  const onError = options.onError ?? (() => {});
  // Idle-connection errors already reach onError through the pool (createPgPool).
  return new PrismaPg(pool, { schema: options.schema, onConnectionError: onError, disposeExternalPool: true });
}
