import { loadConfigOrExit } from '@bizosaas/config';
import { connectPlatform, startService } from '@bizosaas/service-kit';
import { PrismaClient } from './generated/prisma/client.ts';
import { buildApp, SCHEMA, SERVICE } from './app.ts';
import { configSchema } from './config.ts';

const config = loadConfigOrExit(configSchema);
const platform = connectPlatform({
  service: SERVICE,
  schema: SCHEMA,
  config,
  createPrisma: (adapter) => new PrismaClient({ adapter }),
});
const app = await buildApp(config, platform);
app.addHook('onClose', platform.close);
await startService(app, { port: config.PORT, host: config.HOST, graceMs: config.SHUTDOWN_GRACE_MS });
