import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { withDatabase } from '../migrations/database-url.ts';
import { APP_ROLE, DEV_APP_PASSWORD } from '../migrations/app-role.ts';

const adminUrl = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface ScratchDatabase {
  name: string;
  /** Owner (superuser) connection; the database does not exist until something creates it. */
  ownerUrl: string;
  /** The same database as the app role. */
  appUrl: string;
  drop(): Promise<void>;
}

/** A uniquely named database per test file, so files can run in parallel; drop it afterwards. */
export function scratchDatabase(label: string): ScratchDatabase {
  const name = `bizosaas_test_${label}_${randomBytes(4).toString('hex')}`;
  const ownerUrl = withDatabase(adminUrl, name);
  const app = new URL(ownerUrl);
  app.username = APP_ROLE;
  app.password = DEV_APP_PASSWORD;
  return {
    name,
    ownerUrl,
    appUrl: app.toString(),
    drop: () => query(adminUrl, `DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`).then(() => {}),
  };
}

/** One query on a short-lived connection. */
export async function query<T extends pg.QueryResultRow = pg.QueryResultRow>(
  url: string,
  sql: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}
