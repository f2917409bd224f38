import { uniqueNamespace } from '@bizosaas/messaging/testing';
import { describeService } from '@bizosaas/service-kit/testing';
import { definition } from './app.ts';

// Its own stream namespace: the archive consumers start with the app.
describeService(definition, undefined, { env: { EVENTBUS_STREAM_NAMESPACE: uniqueNamespace('event-bus-ops') } });
