import { loadConfigOrExit } from '@bizosaas/config';
import { startService } from '@bizosaas/service-kit';
import { configSchema } from './config.ts';
import { buildApp } from './app.ts';

const config = loadConfigOrExit(configSchema);
const app = await buildApp({ config });
await startService(app, { port: config.PORT, host: config.HOST, graceMs: config.SHUTDOWN_GRACE_MS });
