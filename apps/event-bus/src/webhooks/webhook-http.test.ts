import pg from 'pg';
import { Registry } from 'prom-client';
import { createAddressPolicy, OutboundAddressRefusedError } from '@bizosaas/outbound-http';
import { afterAll, describe, expect, it } from 'vitest';
import { busMetrics } from '../bus-metrics.ts';
import { createWebhookHttp } from './webhook-http.ts';

// Never queried: only the database-backed gauges would use it, and they are not read here.
const pool = new pg.Pool({ max: 1 });
afterAll(() => pool.end());

describe('createWebhookHttp', () => {
  it('counts each refusal by rule and stage and logs the host, address and rule', async () => {
    const registry = new Registry();
    const logged: { details: Record<string, unknown>; message: string }[] = [];
    const http = createWebhookHttp(
      createAddressPolicy({ allowedCidrs: ['127.0.0.0/8'] }),
      1_000,
      busMetrics(registry, pool),
      {
        warn: (details, message) => logged.push({ details, message }),
      },
    );
    try {
      for (const url of [
        'http://10.0.0.7/hooks',
        'http://10.0.0.8/hooks',
        'http://169.254.169.254/latest/meta-data/',
      ]) {
        await expect(http.request(url, { method: 'POST' })).rejects.toBeInstanceOf(OutboundAddressRefusedError);
      }
    } finally {
      await http.close();
    }
    const text = await registry.getSingleMetricAsString('eventbus_outbound_refused_total');
    expect(text).toContain('eventbus_outbound_refused_total{rule="private",stage="url"} 2');
    expect(text).toContain('eventbus_outbound_refused_total{rule="metadata",stage="url"} 1');
    expect(logged.at(-1)).toEqual({
      details: { host: '169.254.169.254', address: '169.254.169.254', rule: 'metadata', stage: 'url' },
      message: 'webhook request refused by the outbound address policy',
    });
  });
});
