import { PrismaPg } from '@prisma/adapter-pg';

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
 * The driver adapter a generated PrismaClient takes: `new PrismaClient({ adapter })`.
 * Connections use the service's schema as search_path, so raw SQL can name tables bare.
 * The pg pool replaces broken connections by itself, so a restarted server is picked up.
 */
export function createPgAdapter(options: PgAdapterOptions): PrismaPg {
  if (!/^[a-z_][a-z0-9_]*$/.test(options.schema)) throw new Error(`Bad schema name: ${options.schema}`);
  const onError = options.onError ?? (() => {});
  return new PrismaPg(
    {
      connectionString: options.databaseUrl,
      max: options.poolMax,
      connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
      options: `-c search_path=${options.schema}`,
    },
    { schema: options.schema, onPoolError: onError, onConnectionError: onError },
  );
}
