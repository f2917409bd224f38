import { afterAll, beforeAll, describe } from 'vitest';
import { itServesTheOpsContract } from '@bizosaas/service-kit/testing';
import { contactsFeature } from '../contacts/contacts-feature.ts';
import { funnelsFeature } from '../funnels/funnels.routes.ts';
import { startTestApp, type TestApp } from '../test-support.ts';
import { audienceFeature } from './audience-preview.route.ts';

// The ops contract (OpenAPI passing Spectral, probes) with the contacts, audience and funnel features.
describe('campaign with contacts, audience and funnels', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({}, { features: [contactsFeature, audienceFeature, funnelsFeature] });
  });
  afterAll(async () => {
    await t?.close();
  });
  itServesTheOpsContract('campaign', () => t.app, ['postgres', 'redis', 'consumers', 'outbox']);
});
