// Migration tooling behind the db:* commands, for scripts and tests (`@bizosaas/db/migrations`).
export * from './migrate-database.ts';
export * from './apply-migrations.ts';
export * from './create-migration.ts';
export * from './generate-client.ts';
export * from './app-role.ts';
export * from './ensure-database.ts';
export * from './services.ts';
export * from './tenant-rls.ts';
export * from './add-tenant-rls.ts';
