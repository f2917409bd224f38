import { runPlatformService } from '@bizosaas/service-kit';
import { definition } from './app.ts';

await runPlatformService(definition);
