// For the standard Prisma CLI on machines with network access, e.g.
//   npx prisma migrate deploy --config apps/user-management/prisma/prisma.config.ts
// Offline, use `npm run db:migrate` / `npm run db:create-migration` (libs/db/README.md).
import { defineConfig } from 'prisma/config';

const url = new URL(process.env.MIGRATION_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/bizosaas');
// Keeps _prisma_migrations (and unqualified SQL) in this service's schema, as db:migrate does.
url.searchParams.set('schema', 'user_management');

export default defineConfig({
  schema: 'schema.prisma',
  migrations: { path: 'migrations' },
  datasource: { url: url.toString() },
});
