import { z } from 'zod';
import { url } from '@bizosaas/config';

/** Environment of the db:* commands. */
export const migrationEnv = z.object({
  /** Owner (not the app role) connection to the database to migrate. */
  MIGRATION_DATABASE_URL: url(['postgres', 'postgresql']).default('postgresql://postgres@127.0.0.1:5432/bizosaas'),
  /** Password for bizosaas_app; unset keeps an existing role's password (new role: dev default). */
  BIZOSAAS_APP_PASSWORD: z.string().min(1).optional(),
  BIZOSAAS_WORKER_PASSWORD: z.string().min(1).optional(),
  /** A real native schema engine, if the machine has one; else db:generate stubs it. */
  PRISMA_SCHEMA_ENGINE_BINARY: z.string().min(1).optional(),
});
