import { describeService } from '@bizosaas/service-kit/testing';
import { PrismaClient } from './generated/prisma/client.ts';
import { buildApp, SCHEMA, SERVICE } from './app.ts';
import { configSchema } from './config.ts';

describeService({
  service: SERVICE,
  schema: SCHEMA,
  configSchema,
  createPrisma: (adapter) => new PrismaClient({ adapter }),
  buildApp,
});
