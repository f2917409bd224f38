// The processes a campaign journey needs, from their bundles: user-management (tokens and the
// campaign service client), domain-repository (leads and the Campaign aggregate), notification
// (templates and the batch trigger) sending to maildev (SMTP, and a REST API showing what arrived)
// or to an SMTP sink of the test's own, campaign, and the api-gateway in front. Campaign reads the platform's shared streams through
// consumer groups of its own created at '$' (removed by stop()).
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, inject } from 'vitest';
import { Redis } from 'ioredis';
import { consumedStreams, eventStreamKey } from '@bizosaas/messaging';
import { redisUrl } from '@bizosaas/messaging/testing';
import { eventually, freePort, start, untilReady, type Started } from './processes.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
// The key-encryption key every test uses for the shared test database's signing keys.
const TEST_KEK = Buffer.alloc(32, 'bizosaas-test-kek').toString('base64');
const PASSWORD = 'a strong enough password';
// What campaign's consumer groups read (campaigns, contacts, executions, progress, spend).
const CONSUMED = ['campaign', 'lead', 'customer', 'notification', 'integration_sync'];

export type Mail = { subject: string; text: string; html: string; to: { address: string }[] };

export interface CampaignPlatform {
  run: string;
  /** notification itself (campaign calls it there unless its env says otherwise). */
  notificationUrl: string;
  /** The name of campaign's consumer group `name` (contacts, progress, ...). */
  consumerGroup(name: string): string;
  /** One call through the gateway. */
  api(
    method: string,
    path: string,
    options?: { token?: string; body?: object },
  ): Promise<{ status: number; body: any }>;
  mails(): Promise<Mail[]>;
  /** A tenant registered through the gateway: its owner's token. */
  register(label: string): Promise<{ tenantId: string; token: string }>;
  /** Starts (again) the campaign process; `kill` ends it with SIGKILL. */
  startCampaign(): Promise<void>;
  killCampaign(): Promise<void>;
  output(): string;
  stop(): Promise<void>;
}

export interface PlatformOptions {
  /** Where notification sends email instead of maildev (a sink of the test's own). */
  smtpUrl?: string;
  /** A migrated database of the test's own instead of the shared test database (app and worker roles). */
  database?: { appUrl: string; workerUrl: string };
}

export async function startCampaignPlatform(
  campaignEnv: Record<string, string> = {},
  options: PlatformOptions = {},
): Promise<CampaignPlatform> {
  const run = randomUUID().slice(0, 8);
  const client = { id: 'campaign', secret: randomBytes(32).toString('base64url') };
  const ports = { gateway: 0, users: 0, domain: 0, notification: 0, campaign: 0, smtp: 0, mailApi: 0 };
  const processes: Started[] = [];
  let campaign: Started | undefined;
  const mailDirectory = mkdtempSync(join(tmpdir(), 'campaign-journey-'));
  const url = (port: number) => `http://127.0.0.1:${port}`;
  const output = () => [...processes, ...(campaign ? [campaign] : [])].map((p) => p.output().slice(-4000)).join('\n');
  const appProcess = (app: string, port: number, env: Record<string, string>) =>
    start(process.execPath, [`${root}apps/${app}/dist/main.js`], {
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      REDIS_URL: redisUrl,
      DATABASE_URL: options.database?.appUrl ?? inject('appDatabaseUrl'),
      WORKER_DATABASE_URL: options.database?.workerUrl ?? inject('workerDatabaseUrl'),
      JWKS_URL: `${url(ports.users)}/.well-known/jwks.json`,
      ...env,
    });

  const apps = ['api-gateway', 'user-management', 'domain-repository', 'notification', 'campaign'];
  execFileSync(process.execPath, ['tools/build.mjs', ...apps], { cwd: root });
  for (const name of Object.keys(ports) as (keyof typeof ports)[]) ports[name] = await freePort();
  processes.push(
    start(process.execPath, [
      `${root}node_modules/maildev/dist/bin/maildev.js`,
      ...['--smtp', String(ports.smtp), '--ip', '127.0.0.1', '--web', String(ports.mailApi), '--web-ip', '127.0.0.1'],
      ...['--mail-directory', mailDirectory],
    ]),
    appProcess('user-management', ports.users, {
      SIGNING_KEY_ENCRYPTION_KEY: TEST_KEK,
      LOGIN_LIMIT_KEY_PREFIX: `test:campaign-journey:${run}:login`,
      SERVICE_CLIENTS: JSON.stringify({
        [client.id]: {
          secret: client.secret,
          permissions: ['notifications:send', 'campaigns:read', 'campaigns:write'],
        },
      }),
    }),
    appProcess('domain-repository', ports.domain, {
      CONSUMER_NAME: `campaign-journey-${run}`,
      CRM_WORK_STREAM: `test:crm-work:{campaign-journey-${run}}`,
    }),
    appProcess('notification', ports.notification, {
      SMTP_URLS: options.smtpUrl ? `sink=${options.smtpUrl}` : `maildev=smtp://127.0.0.1:${ports.smtp}`,
      // Its rules read a namespace of their own: this test's events are not theirs to act on.
      EVENT_STREAM_NAMESPACE: `test:campaign-journey:${run}:events`,
      CONSUMER_NAME: `campaign-journey-${run}`,
      PUBLIC_BASE_URL: url(ports.gateway),
    }),
    appProcess('api-gateway', ports.gateway, {
      USER_MANAGEMENT_URL: url(ports.users),
      DOMAIN_REPOSITORY_URL: url(ports.domain),
      NOTIFICATION_URL: url(ports.notification),
      CAMPAIGN_URL: url(ports.campaign),
      ...Object.fromEntries(
        ['AI_AGENTS', 'ANALYTICS', 'INTEGRATION', 'EVENT_BUS'].map((n) => [`${n}_URL`, 'http://127.0.0.1:9']),
      ),
      RATE_LIMIT_FREE: '100000',
      RATE_LIMIT_PREFIX: `test:campaign-journey:${run}:ratelimit:`,
    }),
  );
  const groupPrefix = `campaign-journey-${run}`;
  const startCampaign = async () => {
    campaign = appProcess('campaign', ports.campaign, {
      CAMPAIGN_SERVICE_CLIENT_ID: client.id,
      CAMPAIGN_SERVICE_CLIENT_SECRET: client.secret,
      USER_MANAGEMENT_URL: url(ports.users),
      DOMAIN_REPOSITORY_URL: url(ports.domain),
      NOTIFICATION_URL: url(ports.notification),
      CONSUMER_GROUP_PREFIX: groupPrefix,
      CONSUMER_NAME: groupPrefix,
      CONSUMER_START_ID: '$',
      DISPATCH_POLL_INTERVAL_MS: '200',
      ...campaignEnv,
    });
    await untilReady(url(ports.campaign), 30_000, output);
  };
  await startCampaign();
  await Promise.all(
    Object.values(ports)
      .slice(0, 4)
      .map((port) => untilReady(url(port), 30_000, output)),
  );
  const mails = async () => (await fetch(`${url(ports.mailApi)}/api/email`)).json() as Promise<Mail[]>;
  await eventually(async () => (await mails()) && true, 10_000, `maildev\n${output()}`);

  const api: CampaignPlatform['api'] = async (method, path, options = {}) => {
    const res = await fetch(`${url(ports.gateway)}${path}`, {
      method,
      headers: {
        ...(options.token && { authorization: `Bearer ${options.token}` }),
        ...(options.body && { 'content-type': 'application/json' }),
      },
      ...(options.body && { body: JSON.stringify(options.body) }),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : {} };
  };
  return {
    run,
    notificationUrl: url(ports.notification),
    consumerGroup: (name) => `${groupPrefix}.${name}`,
    api,
    mails,
    output,
    async register(label) {
      const email = `campaign.${label}.${run}@example.test`;
      const res = await api('POST', '/api/v1/auth/register', {
        body: { tenantName: `Campaign ${label} ${run}`, email, password: PASSWORD },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return { tenantId: res.body.tenant.id, token: res.body.accessToken };
    },
    startCampaign,
    async killCampaign() {
      await campaign?.stop('SIGKILL');
    },
    async stop() {
      await Promise.all([...processes, ...(campaign ? [campaign] : [])].map((p) => p.stop('SIGKILL')));
      rmSync(mailDirectory, { recursive: true, force: true });
      const redis = new Redis(redisUrl);
      for (const type of CONSUMED)
        for (const name of ['campaigns', 'contacts', 'executions', 'progress', 'spend']) {
          const [high, own, normal] = consumedStreams(eventStreamKey(type), `${groupPrefix}.${name}`);
          for (const stream of [high, normal])
            await redis.xgroup('DESTROY', stream, `${groupPrefix}.${name}`).catch(() => 0);
          await redis.del(own);
        }
      await redis.quit();
    },
  };
}
