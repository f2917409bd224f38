import { z } from 'zod';
import { authEnv, baseServiceEnv, databaseEnv, port } from '@bizosaas/config';

export const configSchema = z.object({
  PORT: port(8004),
  ...baseServiceEnv,
  ...databaseEnv,
  ...authEnv,
});
