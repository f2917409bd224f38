import { fileURLToPath } from 'node:url';
import type { IDeployment } from 'kubernetes-models/apps/v1';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import type { IJob } from 'kubernetes-models/batch/v1';
import type { IIngress, INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1';
import type { IConfigMap, IContainer, IService } from 'kubernetes-models/v1';
import { beforeAll, describe, expect, it } from 'vitest';
import { APPS, GATEWAY, SHARED_SERVICES } from './apps.ts';
import { validateK8sObject } from './k8s-schema.ts';
import { renderKustomization, type K8sObject } from './kustomize.ts';
import { selects } from './label-selector.ts';
import { allowsFromOutside, allowsFromPod } from './network-policy.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const CLUSTER_SCOPED = new Set(['Namespace']);
/** Provided outside the manifests in production (k8s/README.md). */
const EXTERNAL_SECRETS = new Set(['bizosaas-app-secrets', 'bizosaas-migration-secrets']);
/**
 * Calls between services beside the shared ones: integration forwards CRM records to
 * domain-repository; ai-agents reads leads and campaigns there and sends scores and optimisations;
 * campaign sends through notification and paces and optimises campaigns in domain-repository.
 */
const SERVICE_CALLS = new Set([
  'integration -> domain-repository',
  'ai-agents -> domain-repository',
  'campaign -> notification',
  'campaign -> domain-repository',
]);

/**
 * notification's sending runs apart from its API (k8s/README.md): the same app and port, no
 * Service. Not in APPS, which lists the services every deployment file shows.
 */
const DISPATCHER = 'notification-dispatcher';
/** Every Deployment of the platform's image: the services, then the dispatcher. */
const DEPLOYMENTS = [
  ...APPS.map(({ name, port }) => ({ name, app: name, port })),
  { name: DISPATCHER, app: 'notification', port: 8005 },
];

const rendered = new Map<string, K8sObject[]>();
function render(overlay: 'dev' | 'prod'): K8sObject[] {
  const objects = rendered.get(overlay) ?? renderKustomization(`${repoRoot}k8s/overlays/${overlay}`);
  rendered.set(overlay, objects);
  return objects;
}

function helpers(objects: () => K8sObject[]) {
  const all = <T>(kind: string) => objects().filter((obj) => obj.kind === kind) as unknown as T[];
  const one = <T>(kind: string, name: string) => {
    const found = objects().find((obj) => obj.kind === kind && obj.metadata.name === name);
    if (!found) throw new Error(`no ${kind} named ${name} in the rendered overlay`);
    return found as unknown as T;
  };
  const appContainer = (name: string): IContainer => {
    const container = one<IDeployment>('Deployment', name).spec?.template.spec?.containers.find(
      (c) => c.name === 'app',
    );
    if (!container) throw new Error(`Deployment ${name} has no container named app`);
    return container;
  };
  const podLabels = (name: string) => one<IDeployment>('Deployment', name).spec?.template.metadata?.labels ?? {};
  return { all, one, appContainer, podLabels };
}

const envOf = (container: IContainer) =>
  Object.fromEntries((container.env ?? []).map((entry) => [entry.name, entry.value ?? entry.valueFrom]));

/** A probe's or Service's port, resolved through the container's named ports. */
const portNumber = (container: IContainer, port: number | string | undefined) =>
  typeof port === 'number' ? port : container.ports?.find((p) => p.name === port)?.containerPort;

/** Every ConfigMap and Secret that workloads name (env, envFrom, volumes). */
function configRefs(value: unknown, found: Array<{ kind: 'ConfigMap' | 'Secret'; name: string }> = []) {
  if (Array.isArray(value)) for (const item of value) configRefs(item, found);
  else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      const ref = inner as { name?: string; secretName?: string };
      if (['configMap', 'configMapRef', 'configMapKeyRef'].includes(key))
        found.push({ kind: 'ConfigMap', name: ref.name ?? '' });
      if (['secretRef', 'secretKeyRef'].includes(key)) found.push({ kind: 'Secret', name: ref.name ?? '' });
      if (key === 'secret') found.push({ kind: 'Secret', name: ref.secretName ?? '' });
      configRefs(inner, found);
    }
  }
  return found;
}

describe.each(['dev', 'prod'] as const)('k8s/overlays/%s', (overlay) => {
  let objects: K8sObject[] = [];
  beforeAll(() => {
    objects = render(overlay);
  });
  const { all, one, appContainer, podLabels } = helpers(() => objects);

  it('renders only objects that are valid against the Kubernetes schemas', () => {
    expect(objects.length).toBeGreaterThan(0);
    const errors = objects.flatMap((obj) => {
      try {
        validateK8sObject(obj);
        return [];
      } catch (error) {
        return [(error as Error).message];
      }
    });
    expect(errors).toEqual([]);
  });

  it('places every namespaced object in the bizosaas namespace', () => {
    const elsewhere = objects.filter((obj) => !CLUSTER_SCOPED.has(obj.kind) && obj.metadata.namespace !== 'bizosaas');
    expect(elsewhere.map((obj) => `${obj.kind}/${obj.metadata.name}`)).toEqual([]);
  });

  it.each(DEPLOYMENTS)(
    'runs $name (APP=$app) on port $port with probes, resources and a locked-down container',
    ({ name, app, port }) => {
      const deployment = one<IDeployment>('Deployment', name);
      const pod = deployment.spec?.template;
      const container = appContainer(name);
      expect(selects(deployment.spec?.selector ?? {}, pod?.metadata?.labels ?? {})).toBe(true);
      expect(container.ports).toContainEqual(expect.objectContaining({ name: 'http', containerPort: port }));
      expect(envOf(container)).toMatchObject({ APP: app, PORT: String(port) });
      expect(container.livenessProbe?.httpGet?.path).toBe('/health');
      expect(portNumber(container, container.livenessProbe?.httpGet?.port)).toBe(port);
      expect(container.readinessProbe?.httpGet?.path).toBe('/ready');
      expect(portNumber(container, container.readinessProbe?.httpGet?.port)).toBe(port);
      for (const bound of ['requests', 'limits'] as const) {
        expect(container.resources?.[bound], `${bound} of ${name}`).toMatchObject({
          cpu: expect.anything(),
          memory: expect.anything(),
        });
      }
      expect(pod?.spec?.securityContext?.runAsNonRoot).toBe(true);
      expect(container.securityContext).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
      });
      expect(pod?.metadata?.annotations).toMatchObject({
        'prometheus.io/scrape': 'true',
        'prometheus.io/path': '/metrics',
        'prometheus.io/port': String(port),
      });
    },
  );

  it.each(APPS)('exposes $name through a Service on port $port', ({ name, port }) => {
    const service = one<IService>('Service', name);
    expect(selects({ matchLabels: service.spec?.selector ?? {} }, podLabels(name))).toBe(true);
    expect(service.spec?.selector).not.toEqual({});
    const [servicePort] = service.spec?.ports ?? [];
    expect(servicePort?.port).toBe(port);
    expect(portNumber(appContainer(name), servicePort?.targetPort)).toBe(port);
  });

  it.each(DEPLOYMENTS)('autoscales $name with an HPA on its Deployment', ({ name }) => {
    const hpa = one<IHorizontalPodAutoscaler>('HorizontalPodAutoscaler', name);
    expect(hpa.spec?.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name });
    expect(hpa.spec?.minReplicas).toBeGreaterThanOrEqual(1);
    expect(hpa.spec?.maxReplicas).toBeGreaterThan(hpa.spec?.minReplicas ?? 1);
    expect(hpa.spec?.metrics?.[0]?.resource?.name).toBe('cpu');
    expect(one<IDeployment>('Deployment', name).spec?.replicas, 'the HPA owns the replica count').toBeUndefined();
  });

  it('sends notifications from the dispatcher only, which gets the env the notification API gets', () => {
    const api = envOf(appContainer('notification'));
    const dispatcher = envOf(appContainer(DISPATCHER));
    expect(api.DISPATCH_ENABLED).toBe('false');
    expect(dispatcher.DISPATCH_ENABLED).toBe('true');
    expect({ ...dispatcher, DISPATCH_ENABLED: 'false' }).toEqual(api);
    expect(appContainer(DISPATCHER).envFrom).toEqual(appContainer('notification').envFrom);
    expect(dispatcher).toMatchObject({
      SMTP_URLS: { secretKeyRef: { name: 'bizosaas-app-secrets', key: 'SMTP_URLS' } },
      CONSUMER_NAME: { fieldRef: { fieldPath: 'metadata.name' } },
    });
  });

  it('puts the dispatcher behind no Service, and its pods and the API pods under separate Deployments', () => {
    const selecting = all<IService>('Service').filter(
      (service) => service.spec?.selector && selects({ matchLabels: service.spec.selector }, podLabels(DISPATCHER)),
    );
    expect(selecting.map((service) => service.metadata?.name)).toEqual([]);
    expect(one<IService>('Service', 'notification').spec?.selector).toBeDefined();
    const selectorOf = (name: string) => one<IDeployment>('Deployment', name).spec?.selector ?? {};
    expect(selects(selectorOf('notification'), podLabels(DISPATCHER))).toBe(false);
    expect(selects(selectorOf(DISPATCHER), podLabels('notification'))).toBe(false);
  });

  it('lets nothing reach the dispatcher, from outside or from any pod', () => {
    const policies = all<INetworkPolicy>('NetworkPolicy');
    expect(allowsFromOutside(policies, podLabels(DISPATCHER))).toBe(false);
    for (const source of [{ 'app.kubernetes.io/name': 'intruder' }, ...APPS.map(({ name }) => podLabels(name))]) {
      expect(allowsFromPod(policies, source, podLabels(DISPATCHER)), JSON.stringify(source)).toBe(false);
    }
  });

  it('lets only the gateway reach the services from outside, with event-bus and user-management open to all services and the service calls of SERVICE_CALLS', () => {
    const policies = all<INetworkPolicy>('NetworkPolicy');
    const intruder = { 'app.kubernetes.io/name': 'intruder' };
    expect(policies.some((p) => Object.keys(p.spec?.podSelector ?? {}).length === 0 && !p.spec?.ingress)).toBe(true);
    expect(allowsFromOutside(policies, podLabels(GATEWAY))).toBe(true);
    for (const { name } of APPS.filter((app) => app.name !== GATEWAY)) {
      expect(allowsFromOutside(policies, podLabels(name)), `${name} from outside`).toBe(false);
      expect(allowsFromPod(policies, intruder, podLabels(name)), `${name} from a foreign pod`).toBe(false);
      expect(allowsFromPod(policies, podLabels(GATEWAY), podLabels(name)), `${name} from the gateway`).toBe(true);
      for (const { name: caller } of APPS.filter((app) => app.name !== GATEWAY && app.name !== name)) {
        const expected = SHARED_SERVICES.includes(name) || SERVICE_CALLS.has(`${caller} -> ${name}`);
        expect(allowsFromPod(policies, podLabels(caller), podLabels(name)), `${caller} -> ${name}`).toBe(expected);
      }
    }
  });

  it('routes the Ingress to the gateway Service', () => {
    const paths = one<IIngress>('Ingress', GATEWAY).spec?.rules?.flatMap((rule) => rule.http?.paths ?? []);
    expect(paths?.map((path) => path.backend.service)).toEqual([{ name: GATEWAY, port: { number: 8080 } }]);
  });

  it('migrates in a Job holding the owner URL, which no service sees', () => {
    const job = one<IJob>('Job', 'db-migrate');
    const [container] = job.spec?.template.spec?.containers ?? [];
    expect(container?.image).toMatch(/bizosaas\/platform-migrate:/);
    for (const variable of ['MIGRATION_DATABASE_URL', 'BIZOSAAS_APP_PASSWORD', 'BIZOSAAS_WORKER_PASSWORD']) {
      const source = container?.env?.find((e) => e.name === variable)?.valueFrom?.secretKeyRef;
      expect(source, variable).toEqual({ name: 'bizosaas-migration-secrets', key: variable });
    }
    for (const { name } of DEPLOYMENTS) {
      expect(JSON.stringify(one<IDeployment>('Deployment', name))).not.toContain('bizosaas-migration-secrets');
      expect('DATABASE_URL' in envOf(appContainer(name)), `${name} DATABASE_URL`).toBe(name !== GATEWAY);
      expect('WORKER_DATABASE_URL' in envOf(appContainer(name)), `${name} WORKER_DATABASE_URL`).toBe(name !== GATEWAY);
    }
  });

  it('gives the event-bus its master keys from the app Secret, and no other service', () => {
    for (const { name } of DEPLOYMENTS) {
      const source = appContainer(name).env?.find((e) => e.name === 'EVENTBUS_MASTER_KEYS')?.valueFrom?.secretKeyRef;
      expect(source, name).toEqual(
        name === 'event-bus' ? { name: 'bizosaas-app-secrets', key: 'EVENTBUS_MASTER_KEYS' } : undefined,
      );
    }
  });

  it('refers only to ConfigMaps and Secrets that exist (or that production provides)', () => {
    const workloads = [...all('Deployment'), ...all('StatefulSet'), ...all('Job')];
    const refs = configRefs(workloads);
    expect(refs.filter((ref) => ref.kind === 'ConfigMap').length).toBeGreaterThanOrEqual(APPS.length);
    const existing = new Set(objects.map((obj) => `${obj.kind}/${obj.metadata.name}`));
    const missing = refs.filter(
      ({ kind, name }) =>
        !existing.has(`${kind}/${name}`) && !(overlay === 'prod' && kind === 'Secret' && EXTERNAL_SECRETS.has(name)),
    );
    expect(missing).toEqual([]);
  });
});

describe('k8s/overlays/dev specifics', () => {
  const { all, one, appContainer } = helpers(() => render('dev'));

  it('runs one replica of each service at first, image tag dev, debug logs', () => {
    for (const hpa of all<IHorizontalPodAutoscaler>('HorizontalPodAutoscaler')) expect(hpa.spec?.minReplicas).toBe(1);
    const images = all<IDeployment>('Deployment').flatMap(
      (d) => d.spec?.template.spec?.containers.map((c) => c.image) ?? [],
    );
    expect(images.filter((image) => image?.startsWith('bizosaas/'))).toEqual(
      Array(DEPLOYMENTS.length).fill('bizosaas/platform:dev'),
    );
    expect(
      all<IConfigMap>('ConfigMap').find((c) => c.metadata?.name?.startsWith('bizosaas-config'))?.data?.LOG_LEVEL,
    ).toBe('debug');
  });

  it('lets the dispatcher reach its PostgreSQL, Redis and mail catcher', () => {
    const policies = all<INetworkPolicy>('NetworkPolicy');
    const labels = (kind: string, name: string) => one<IDeployment>(kind, name).spec?.template.metadata?.labels ?? {};
    for (const [kind, name] of [
      ['StatefulSet', 'postgres'],
      ['Deployment', 'redis'],
      ['Deployment', 'maildev'],
    ] as const) {
      expect(allowsFromPod(policies, labels('Deployment', DISPATCHER), labels(kind, name)), name).toBe(true);
    }
  });

  it('brings its own PostgreSQL and Redis, behind the names the placeholder Secrets use', () => {
    expect(one('StatefulSet', 'postgres')).toBeDefined();
    expect(one('Deployment', 'redis')).toBeDefined();
    const secret = JSON.stringify(one('Secret', 'bizosaas-app-secrets'));
    expect(secret).toContain('@postgres:5432/bizosaas');
    expect(secret).toContain('redis://redis:6379');
    expect(one<IService>('Service', 'postgres').spec?.ports?.[0]?.port).toBe(5432);
    expect(one<IService>('Service', 'redis').spec?.ports?.[0]?.port).toBe(6379);
  });

  it("gives ai-agents its master keys and a service client whose secret user-management's SERVICE_CLIENTS holds", () => {
    const secret = (key: string) => ({ secretKeyRef: { name: 'bizosaas-app-secrets', key } });
    expect(envOf(appContainer('ai-agents'))).toMatchObject({
      AGENTS_MASTER_KEYS: secret('AGENTS_MASTER_KEYS'),
      AGENTS_SERVICE_CLIENT_ID: 'ai-agents',
      AGENTS_SERVICE_CLIENT_SECRET: secret('AGENTS_SERVICE_CLIENT_SECRET'),
    });
    expect(envOf(appContainer('user-management')).SERVICE_CLIENTS).toEqual(secret('SERVICE_CLIENTS'));
    const values = one<{ stringData: Record<string, string> }>('Secret', 'bizosaas-app-secrets').stringData;
    expect(JSON.parse(values.SERVICE_CLIENTS ?? '{}')['ai-agents']).toEqual({
      secret: values.AGENTS_SERVICE_CLIENT_SECRET,
      permissions: ['leads:read', 'leads:write', 'campaigns:read', 'campaigns:write'],
    });
  });

  it("gives campaign a service client whose secret user-management's SERVICE_CLIENTS holds, and a consumer name per pod", () => {
    const secret = (key: string) => ({ secretKeyRef: { name: 'bizosaas-app-secrets', key } });
    const env = envOf(appContainer('campaign'));
    expect(env).toMatchObject({
      CAMPAIGN_SERVICE_CLIENT_ID: 'campaign',
      CAMPAIGN_SERVICE_CLIENT_SECRET: secret('CAMPAIGN_SERVICE_CLIENT_SECRET'),
      CONSUMER_NAME: { fieldRef: { fieldPath: 'metadata.name' } },
      WORKER_DATABASE_URL: secret('WORKER_DATABASE_URL'),
    });
    const values = one<{ stringData: Record<string, string> }>('Secret', 'bizosaas-app-secrets').stringData;
    expect(JSON.parse(values.SERVICE_CLIENTS ?? '{}').campaign).toEqual({
      secret: values.CAMPAIGN_SERVICE_CLIENT_SECRET,
      permissions: ['notifications:send', 'campaigns:read', 'campaigns:write', 'campaigns:launch'],
    });
    const config = all<IConfigMap>('ConfigMap').find((c) => c.metadata?.name?.startsWith('bizosaas-config'))?.data;
    expect(config).toMatchObject({
      NOTIFICATION_URL: 'http://notification:8005',
      DOMAIN_REPOSITORY_URL: 'http://domain-repository:8011',
      AI_AGENTS_URL: 'http://ai-agents:8000',
      USER_MANAGEMENT_URL: 'http://user-management:8001',
    });
  });
});

describe('k8s/overlays/prod specifics', () => {
  const { all, one } = helpers(() => render('prod'));

  it('ships no placeholder Secret', () => {
    expect(all<K8sObject>('Secret').map((s) => s.metadata.name)).toEqual([]);
  });

  it.each(DEPLOYMENTS)(
    'keeps $name available: HPA floor of 2+, a PodDisruptionBudget, a release tag, spread',
    ({ name }) => {
      const hpa = one<IHorizontalPodAutoscaler>('HorizontalPodAutoscaler', name);
      expect(hpa.spec?.minReplicas).toBeGreaterThanOrEqual(name === GATEWAY ? 3 : 2);
      const pdb = one<IPodDisruptionBudget>('PodDisruptionBudget', name);
      const labels = one<IDeployment>('Deployment', name).spec?.template.metadata?.labels ?? {};
      expect(selects(pdb.spec?.selector ?? {}, labels)).toBe(true);
      const image = one<IDeployment>('Deployment', name).spec?.template.spec?.containers[0]?.image ?? '';
      expect(image).toMatch(/\/bizosaas\/platform:\d+\.\d+\.\d+/);
      const spread = one<IDeployment>('Deployment', name).spec?.template.spec?.topologySpreadConstraints ?? [];
      expect(spread.map((constraint) => constraint.topologyKey)).toEqual([
        'kubernetes.io/hostname',
        'topology.kubernetes.io/zone',
      ]);
    },
  );

  it('serves the gateway over TLS', () => {
    expect(one<IIngress>('Ingress', GATEWAY).spec?.tls?.[0]?.secretName).toBeTruthy();
  });
});
