// Runs once before the test files: migrates one database with every service's migrations, as
// `npm run db:migrate` does, and hands its URLs to the tests: inject('appDatabaseUrl'),
// inject('workerDatabaseUrl') (cross-tenant background work) and inject('ownerDatabaseUrl').
// Tests that need a database of their own (migration tests) make a scratch one instead.
import type { TestProject } from 'vitest/node';
import { APP_ROLE, DEV_APP_PASSWORD, DEV_WORKER_PASSWORD, WORKER_ROLE, migrateDatabase } from '@bizosaas/db/migrations';

declare module 'vitest' {
  export interface ProvidedContext {
    appDatabaseUrl: string;
    workerDatabaseUrl: string;
    ownerDatabaseUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  const ownerUrl = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/bizosaas_test';
  await migrateDatabase({ url: ownerUrl });
  const appUrl = new URL(ownerUrl);
  appUrl.username = APP_ROLE;
  appUrl.password = DEV_APP_PASSWORD;
  project.provide('ownerDatabaseUrl', ownerUrl);
  project.provide('appDatabaseUrl', appUrl.toString());
  const workerUrl = new URL(ownerUrl);
  workerUrl.username = WORKER_ROLE;
  workerUrl.password = DEV_WORKER_PASSWORD;
  project.provide('workerDatabaseUrl', workerUrl.toString());
}
