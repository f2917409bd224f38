import pg from 'pg';
import { maintenanceUrl } from './database-url.ts';

/** Runs `work` on a short-lived connection to the server's `postgres` maintenance database. */
export async function withMaintenanceClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: maintenanceUrl(url) });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
