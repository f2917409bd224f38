// A database of one test file's own, migrated as the shared test database is, next to it on the
// same server. For platforms whose background workers are cross-tenant by design (a dispatcher
// claims every tenant's due work): on the shared database they would take another test's work.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { APP_ROLE, DEV_APP_PASSWORD, DEV_WORKER_PASSWORD, WORKER_ROLE, migrateDatabase } from '@bizosaas/db/migrations';

export interface OwnDatabase {
  /** As its owner (superuser): for what the test itself looks at. */
  ownerUrl: string;
  /** As the services' roles. */
  appUrl: string;
  workerUrl: string;
  drop(): Promise<void>;
}

export async function createOwnDatabase(label: string): Promise<OwnDatabase> {
  const shared = inject('ownerDatabaseUrl');
  const name = `${new URL(shared).pathname.slice(1)}_${label}_${randomUUID().slice(0, 8)}`;
  const urlAs = (user?: string, password?: string) => {
    const url = new URL(shared);
    url.pathname = `/${name}`;
    if (user && password) [url.username, url.password] = [user, password];
    return url.toString();
  };
  await migrateDatabase({ url: urlAs() });
  return {
    ownerUrl: urlAs(),
    appUrl: urlAs(APP_ROLE, DEV_APP_PASSWORD),
    workerUrl: urlAs(WORKER_ROLE, DEV_WORKER_PASSWORD),
    async drop() {
      // From the shared database: a database cannot be dropped from a connection to itself.
      const owner = new pg.Client({ connectionString: shared });
      await owner.connect();
      await owner.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
      await owner.end();
    },
  };
}
