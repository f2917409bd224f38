import { describeService } from '@bizosaas/service-kit/testing';
import { definition } from './app.ts';

describeService(definition);
