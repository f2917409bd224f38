import pg from 'pg';
import { databaseName } from './database-url.ts';
import { withMaintenanceClient } from './maintenance-client.ts';

const DUPLICATE_DATABASE = '42P04';

/** Creates the database `url` names when it does not exist. Returns whether it created it. */
export async function ensureDatabase(url: string): Promise<boolean> {
  const name = databaseName(url);
  return withMaintenanceClient(url, async (client) => {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (existing.rowCount) return false;
    try {
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === DUPLICATE_DATABASE) return false; // a concurrent run won
      throw error;
    }
  });
}
