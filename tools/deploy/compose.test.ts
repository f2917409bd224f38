import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { APPS, GATEWAY } from './apps.ts';
import { composeErrors, environmentOf, loadCompose, type ComposeService } from './compose.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const FILES = ['docker-compose.dev.yml', 'docker-compose.prod.yml'] as const;
/** What docker-compose.prod.yml requires from its env file. */
const PROD_ENV = {
  BIZOSAAS_TAG: '0.0.0-test',
  POSTGRES_PASSWORD: 'x',
  APP_DB_PASSWORD: 'y',
  WORKER_DB_PASSWORD: 'w',
  REDIS_PASSWORD: 'z',
  SIGNING_KEY_ENCRYPTION_KEY: 'k',
  EVENTBUS_MASTER_KEYS: '{}',
  INTEGRATION_MASTER_KEYS: '{}',
  INTEGRATION_SERVICE_CLIENT_SECRET: 'i',
  AGENTS_MASTER_KEYS: '{}',
  AGENTS_SERVICE_CLIENT_SECRET: 'a',
  CAMPAIGN_SERVICE_CLIENT_SECRET: 'c',
  SMTP_URLS: 'smtp://mail:25',
  PUBLIC_BASE_URL: 'https://api.example.test',
};

/** The container side of a ports entry: "127.0.0.1:8080:8080/tcp" -> 8080. */
function containerPort(entry: NonNullable<ComposeService['ports']>[number]): number {
  if (typeof entry === 'object') return entry.target;
  return Number(String(entry).split(':').pop()?.split('/')[0]);
}

function service(file: string, name: string): ComposeService {
  const found = loadCompose(`${repoRoot}${file}`).services[name];
  if (!found) throw new Error(`${file} has no service ${name}`);
  return found;
}

/** The docker compose CLI of this machine, if any (v2 plugin or the Debian docker-compose 1.29). */
function composeCli(): string[] | undefined {
  if (spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0) return ['docker', 'compose'];
  if (spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0) return ['docker-compose'];
  return undefined;
}

describe.each(FILES)('%s', (file) => {
  const path = `${repoRoot}${file}`;

  it('is valid against the compose-spec schema and the lint rules', () => {
    expect(composeErrors(path)).toEqual([]);
  });

  it.each(APPS)('runs $name from the shared image with APP and PORT=$port, checked on /ready', ({ name, port }) => {
    const app = service(file, name);
    expect(app.image).toBe(service(file, GATEWAY).image);
    expect(app.image).toMatch(/bizosaas\/platform:\$\{BIZOSAAS_TAG/);
    expect(environmentOf(app)).toMatchObject({ APP: name, PORT: String(port), HOST: '0.0.0.0' });
    const check = [app.healthcheck?.test ?? []].flat().join(' ');
    expect(check).toContain('/ready');
    expect(check.includes('process.env.PORT') || check.includes(`:${port}/`), check).toBe(true);
    expect(app.depends_on).toMatchObject({ migrate: { condition: 'service_completed_successfully' } });
  });

  it('gives the gateway every service URL and the JWKS, and the database URL only to services', () => {
    const env = environmentOf(service(file, GATEWAY));
    for (const { name, port } of APPS.filter((app) => app.name !== GATEWAY)) {
      expect(env[`${name.toUpperCase().replace(/-/g, '_')}_URL`]).toBe(`http://${name}:${port}`);
    }
    expect(env.JWKS_URL).toBe('http://user-management:8001/.well-known/jwks.json');
    expect(env.DATABASE_URL).toBeUndefined();
    for (const { name } of APPS.filter((app) => app.name !== GATEWAY)) {
      expect(environmentOf(service(file, name)).DATABASE_URL).toMatch(/^postgresql:\/\/bizosaas_app:/);
      expect(environmentOf(service(file, name)).WORKER_DATABASE_URL).toMatch(/^postgresql:\/\/bizosaas_worker:/);
    }
  });

  it('gives the secret keys only to the services that use them', () => {
    expect(environmentOf(service(file, 'event-bus')).EVENTBUS_MASTER_KEYS).toBeTruthy();
    expect(environmentOf(service(file, 'user-management')).SIGNING_KEY_ENCRYPTION_KEY).toBeTruthy();
    expect(environmentOf(service(file, 'ai-agents')).AGENTS_MASTER_KEYS).toBeTruthy();
    for (const { name } of APPS) {
      if (name !== 'event-bus') expect(environmentOf(service(file, name)).EVENTBUS_MASTER_KEYS, name).toBeUndefined();
      if (name !== 'ai-agents') expect(environmentOf(service(file, name)).AGENTS_MASTER_KEYS, name).toBeUndefined();
    }
  });

  it("gives ai-agents its service client, with the secret user-management's SERVICE_CLIENTS holds for it", () => {
    const agents = environmentOf(service(file, 'ai-agents'));
    expect(agents).toMatchObject({
      AGENTS_SERVICE_CLIENT_ID: 'ai-agents',
      DOMAIN_REPOSITORY_URL: 'http://domain-repository:8011',
      USER_MANAGEMENT_URL: 'http://user-management:8001',
    });
    const clients = JSON.parse(environmentOf(service(file, 'user-management')).SERVICE_CLIENTS ?? '{}');
    expect(clients['ai-agents']).toEqual({
      secret: agents.AGENTS_SERVICE_CLIENT_SECRET,
      permissions: ['leads:read', 'leads:write', 'campaigns:read', 'campaigns:write'],
    });
  });

  it("gives campaign the services it calls and its service client, with the secret user-management's SERVICE_CLIENTS holds for it", () => {
    const campaign = environmentOf(service(file, 'campaign'));
    expect(campaign).toMatchObject({
      CAMPAIGN_SERVICE_CLIENT_ID: 'campaign',
      NOTIFICATION_URL: 'http://notification:8005',
      DOMAIN_REPOSITORY_URL: 'http://domain-repository:8011',
      USER_MANAGEMENT_URL: 'http://user-management:8001',
    });
    expect(campaign.AI_AGENTS_URL).toBeUndefined();
    expect(campaign.WORKER_DATABASE_URL).toMatch(/^postgresql:\/\/bizosaas_worker:/);
    const clients = JSON.parse(environmentOf(service(file, 'user-management')).SERVICE_CLIENTS ?? '{}');
    expect(clients.campaign).toEqual({
      secret: campaign.CAMPAIGN_SERVICE_CLIENT_SECRET,
      permissions: ['notifications:send', 'campaigns:read', 'campaigns:write', 'campaigns:launch'],
    });
  });

  it('migrates once, as the owner, after PostgreSQL is healthy', () => {
    const migrate = service(file, 'migrate');
    expect(migrate.image).toMatch(/bizosaas\/platform-migrate:/);
    const env = environmentOf(migrate);
    expect(env.MIGRATION_DATABASE_URL).toMatch(/^postgresql:\/\/postgres:/);
    // db:migrate creates the role bizosaas_app with this password: the services' URL must carry it
    const servicesUrl = environmentOf(service(file, 'campaign')).DATABASE_URL ?? '';
    expect(env.BIZOSAAS_APP_PASSWORD).toBeTruthy();
    expect(servicesUrl).toContain(`bizosaas_app:${env.BIZOSAAS_APP_PASSWORD}@`);
    const workerUrl = environmentOf(service(file, 'campaign')).WORKER_DATABASE_URL ?? '';
    expect(env.BIZOSAAS_WORKER_PASSWORD).toBeTruthy();
    expect(workerUrl).toContain(`bizosaas_worker:${env.BIZOSAAS_WORKER_PASSWORD}@`);
    expect(migrate.depends_on).toMatchObject({ postgres: { condition: 'service_healthy' } });
    expect(migrate.restart).toBe('no');
  });

  const cli = composeCli();
  it.skipIf(!cli)('is accepted by `docker compose config` (install docker-compose to run this)', () => {
    const [command = '', ...args] = cli ?? [];
    execFileSync(command, [...args, '-f', path, 'config', '-q'], {
      cwd: repoRoot,
      env: { ...process.env, ...PROD_ENV },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  });
});

describe('docker-compose.prod.yml', () => {
  const file = 'docker-compose.prod.yml';
  const services = loadCompose(`${repoRoot}${file}`).services;

  it("publishes the gateway's port and no other", () => {
    const published = Object.entries(services).filter(([, s]) => (s.ports ?? []).length > 0);
    expect(published.map(([name]) => name)).toEqual([GATEWAY]);
    expect(services[GATEWAY]?.ports?.map(containerPort)).toEqual([8080]);
  });

  it.each(APPS)('gives $name a healthcheck, a restart policy, resource limits and replicas', ({ name }) => {
    const app = service(file, name);
    expect(app.healthcheck?.test).toBeDefined();
    expect(app.healthcheck?.disable).not.toBe(true);
    expect(app.deploy?.restart_policy?.condition ?? app.restart).toMatch(/^(any|on-failure|always|unless-stopped)$/);
    expect(app.deploy?.resources?.limits).toMatchObject({ cpus: expect.anything(), memory: expect.anything() });
    expect(app.deploy?.replicas).toBeGreaterThanOrEqual(1);
  });

  it('pulls release images instead of building, and takes passwords from the environment', () => {
    for (const [name, s] of Object.entries(services)) expect(s.build, name).toBeUndefined();
    const text = readFileSync(`${repoRoot}${file}`, 'utf8');
    expect(text).toContain('${BIZOSAAS_TAG:?');
    expect(text).not.toMatch(/PASSWORD: (?!\$\{)/);
  });
});

describe('docker-compose.dev.yml', () => {
  const services = loadCompose(`${repoRoot}docker-compose.dev.yml`).services;

  it('builds every app from the runtime stage and the migration from the migrate stage', () => {
    for (const { name } of APPS)
      expect(services[name]?.build).toMatchObject({ dockerfile: 'Dockerfile', target: 'runtime' });
    expect(services.migrate?.build).toMatchObject({ dockerfile: 'Dockerfile', target: 'migrate' });
  });

  it('publishes every port on 127.0.0.1 only', () => {
    const ports = Object.values(services)
      .flatMap((s) => s.ports ?? [])
      .map(String);
    expect(ports.length).toBeGreaterThan(APPS.length);
    for (const port of ports) expect(port).toMatch(/^127\.0\.0\.1:/);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(`${repoRoot}Dockerfile`, 'utf8');
  const stages = [...dockerfile.matchAll(/^FROM\s+\S+\s+AS\s+(\S+)/gim)].map((m) => m[1]);
  const stage = (name: string) => dockerfile.split(/^FROM /m).find((s) => new RegExp(`AS ${name}\\s`).test(s)) ?? '';

  it('has the stages compose and Kubernetes build', () => {
    expect(stages).toEqual(expect.arrayContaining(['deps', 'build', 'prod-deps', 'runtime', 'migrate']));
  });

  it('runs the selected app as a non-root user with production dependencies only', () => {
    expect(stage('prod-deps')).toMatch(/npm ci --omit=dev/);
    expect(stage('build')).toMatch(/npm run build/);
    expect(stage('runtime')).toMatch(/^USER 1000:1000$/m);
    expect(stage('runtime')).toContain('node \\"apps/$APP/dist/main.js\\"');
    expect(stage('migrate')).toMatch(/CMD \["npm", "run", "db:migrate"\]/);
  });

  it('keeps node_modules, build output and local secrets out of the build context', () => {
    const ignored = readFileSync(`${repoRoot}.dockerignore`, 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', '.env', '.env.*', '.git']));
  });
});
