import { join } from 'node:path';
import { LUMEN_TOPICS } from '#lumen/contracts';
import {
  appNames,
  configVariablesOf,
  defaultPorts,
  ROOT,
  subscriptionsOf,
  telemetryVariables,
  type Manifest,
} from './support/deploy-files';
import { renderKustomization } from './support/kustomize-render';
import { egressAllowed, ingressAllowedFromPod } from './support/network-policy';

/**
 * deploy/k8s cannot be applied here (no cluster), so it is rendered as Kustomize would render
 * it and every object is validated against the Kubernetes OpenAPI schemas (kubernetes-models,
 * Ajv validators generated from them), then checked for what the issue asks of it.
 */
interface Validatable {
  validate(): void;
}
type ModelClass = new (data: unknown) => Validatable;

// kubernetes-models is ESM with only an `import` export condition; Jest resolves with
// `require` conditions, so load its files by path (Node 24 can require ES modules).
const MODELS: Record<string, string> = {
  'v1/Namespace': 'v1/Namespace.js',
  'v1/ConfigMap': 'v1/ConfigMap.js',
  'v1/Service': 'v1/Service.js',
  'apps/v1/Deployment': 'apps/v1/Deployment.js',
  'batch/v1/Job': 'batch/v1/Job.js',
  'policy/v1/PodDisruptionBudget': 'policy/v1/PodDisruptionBudget.js',
  'autoscaling/v2/HorizontalPodAutoscaler': 'autoscaling/v2/HorizontalPodAutoscaler.js',
  'networking.k8s.io/v1/NetworkPolicy': 'networking.k8s.io/v1/NetworkPolicy.js',
};

function modelOf(manifest: Manifest): ModelClass {
  const file = MODELS[`${manifest.apiVersion}/${manifest.kind}`];
  if (file === undefined)
    throw new Error(`no schema here for ${manifest.apiVersion} ${manifest.kind}`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const module = require(join(ROOT, 'node_modules', 'kubernetes-models', file)) as Record<
    string,
    ModelClass
  >;
  const model = module[manifest.kind];
  if (model === undefined) throw new Error(`kubernetes-models has no ${manifest.kind} in ${file}`);
  return model;
}

interface Container {
  name: string;
  image: string;
  args?: string[];
  ports?: { name: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string } } }[];
  envFrom?: { configMapRef?: { name: string } }[];
  livenessProbe?: { httpGet?: { path: string } };
  readinessProbe?: { httpGet?: { path: string } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean };
}
interface PodSpec {
  containers: Container[];
  securityContext?: { runAsNonRoot?: boolean };
  automountServiceAccountToken?: boolean;
}
const podSpecOf = (m: Manifest) => (m.spec as { template: { spec: PodSpec } }).template.spec;

const rendered = renderKustomization('deploy/k8s/base');
const ofKind = (kind: string) => rendered.filter((m) => m.kind === kind);
const named = (kind: string, name: string) => {
  const found = ofKind(kind).find((m) => m.metadata.name === name);
  if (found === undefined) throw new Error(`no ${kind} ${name}`);
  return found;
};
const SERVICES = ['checkout', 'payment', 'fulfilment', 'privacy'];
const labelsOf = (app: string) => ({
  'app.kubernetes.io/name': app,
  'app.kubernetes.io/part-of': 'lumen',
});
const GATEWAY_IP = '203.0.113.10';
const CARRIER_IP = '198.51.100.10';

describe('Kubernetes manifests (deploy/k8s/base)', () => {
  it('every rendered object is valid against the Kubernetes schemas', () => {
    expect(rendered.length).toBeGreaterThan(10);
    for (const manifest of rendered) {
      const Model = modelOf(manifest);
      expect(() => {
        new Model(manifest).validate();
      }).not.toThrow();
    }
  });

  it('the schema check can fail: a port that is not a number is refused', () => {
    const broken = structuredClone(named('Deployment', 'checkout'));
    podSpecOf(broken).containers[0]!.ports![0]!.containerPort =
      'three thousand' as unknown as number;
    const Model = modelOf(broken);
    expect(() => {
      new Model(broken).validate();
    }).toThrow();
  });

  it('puts everything in the lumen namespace', () => {
    for (const manifest of rendered.filter((m) => m.kind !== 'Namespace')) {
      expect(manifest.metadata.namespace).toBe('lumen');
    }
  });

  it('runs each service with probes on its health endpoints, resource limits and no privileges', () => {
    const ports = defaultPorts();
    const deployments = ofKind('Deployment');
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual([...SERVICES].sort());
    for (const deployment of deployments) {
      const app = deployment.metadata.name;
      const pod = podSpecOf(deployment);
      const [container] = pod.containers;
      expect(container?.image).toMatch(new RegExp(`^lumen/${app}:`));
      expect(container?.ports?.[0]?.containerPort).toBe(ports[app]);
      expect(container?.livenessProbe?.httpGet?.path).toBe('/health/live');
      expect(container?.readinessProbe?.httpGet?.path).toBe('/health/ready');
      for (const bound of ['requests', 'limits'] as const) {
        expect(Object.keys(container?.resources?.[bound] ?? {}).sort()).toEqual(['cpu', 'memory']);
      }
      expect(pod.securityContext?.runAsNonRoot).toBe(true);
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(container?.securityContext).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
      });
      const service = named('Service', app);
      expect((service.spec as { ports: { port: number }[] }).ports[0]?.port).toBe(ports[app]);
      expect(named('PodDisruptionBudget', app)).toBeDefined();
    }
  });

  it('sets only variables the service reads, and takes every secret from a Secret', () => {
    const telemetry = new Set(telemetryVariables());
    const config = named('ConfigMap', 'lumen-config').data as Record<string, string>;
    const readBySome = new Set([...appNames().flatMap(configVariablesOf), ...telemetry]);
    for (const key of Object.keys(config)) {
      expect({ key, read: readBySome.has(key) }).toEqual({ key, read: true });
    }
    const secretNames = /(KEY|SECRET|PASSWORD|TOKEN|DATABASE_URL)$/;
    for (const deployment of ofKind('Deployment')) {
      const app = deployment.metadata.name;
      const known = new Set([...configVariablesOf(app), ...telemetry]);
      for (const variable of podSpecOf(deployment).containers[0]?.env ?? []) {
        expect({ app, variable: variable.name, read: known.has(variable.name) }).toEqual({
          app,
          variable: variable.name,
          read: true,
        });
        if (secretNames.test(variable.name)) {
          expect({
            app,
            variable: variable.name,
            fromSecret: variable.valueFrom?.secretKeyRef !== undefined,
          }).toEqual({
            app,
            variable: variable.name,
            fromSecret: true,
          });
        }
      }
    }
    const envOf = (app: string) =>
      podSpecOf(named('Deployment', app)).containers[0]?.env?.map((e) => e.name) ?? [];
    // Production refuses to start without these (apps/*/src/config).
    expect(envOf('privacy')).toContain('LUMEN_MASTER_KEY');
    expect(envOf('checkout')).toContain('CHECKOUT_INDEX_SECRET');
    for (const app of SERVICES) expect(envOf(app)).toContain('DATABASE_URL');
    expect(config.NODE_ENV).toBe('production');
    expect(config.CARRIER_CREATE_DEV_KEYS).toBe('false');
  });

  it('scales each consumer up to the partition count of the topics it reads, no further', () => {
    const partitions = new Map(
      Object.values(LUMEN_TOPICS).map((topic) => [topic.name, topic.partitions]),
    );
    for (const app of SERVICES) {
      const hpa = named('HorizontalPodAutoscaler', app).spec as {
        minReplicas: number;
        maxReplicas: number;
        scaleTargetRef: { name: string };
      };
      expect(hpa.scaleTargetRef.name).toBe(app);
      expect(hpa.minReplicas).toBeGreaterThanOrEqual(2);
      const topics = subscriptionsOf(app);
      if (topics.length === 0) continue;
      // A consumer group gives each partition to one member: more pods than the largest
      // partition count would idle.
      const ceiling = Math.max(...topics.map((t) => partitions.get(t) ?? 0));
      expect({ app, maxReplicas: hpa.maxReplicas }).toEqual({ app, maxReplicas: ceiling });
    }
    expect(subscriptionsOf('payment')).toContain('checkout.order.placed.v1');
  });

  it('runs the migrations as a Job with role passwords from a Secret', () => {
    const [job] = ofKind('Job');
    const pod = (job?.spec as { template: { spec: PodSpec & { restartPolicy: string } } }).template
      .spec;
    const container = pod.containers[0];
    expect(container?.args).toEqual(['migrate']);
    expect(pod.restartPolicy).toBe('Never');
    const env = new Map((container?.env ?? []).map((e) => [e.name, e]));
    expect(env.get('DATABASE_URL')?.valueFrom?.secretKeyRef?.name).toBe('lumen-admin-database');
    expect(env.get('LUMEN_DATABASE_PASSWORDS_DIR')?.value).toBeDefined();
  });

  describe('network policies', () => {
    const policies = ofKind('NetworkPolicy');

    it('deny everything not allowed', () => {
      expect(named('NetworkPolicy', 'default-deny').spec).toEqual({
        podSelector: {},
        policyTypes: ['Ingress', 'Egress'],
      });
    });

    it('only payment reaches the payment gateway', () => {
      const reach = SERVICES.filter((app) =>
        egressAllowed(policies, labelsOf(app), GATEWAY_IP, 443),
      );
      expect(reach).toEqual(['payment']);
    });

    it('only fulfilment reaches the carrier', () => {
      const reach = SERVICES.filter((app) =>
        egressAllowed(policies, labelsOf(app), CARRIER_IP, 443),
      );
      expect(reach).toEqual(['fulfilment']);
    });

    it('nothing reaches an arbitrary address on the internet', () => {
      for (const app of SERVICES) {
        expect({ app, reach: egressAllowed(policies, labelsOf(app), '192.0.2.1', 443) }).toEqual({
          app,
          reach: false,
        });
      }
    });

    it('only checkout, payment and fulfilment call the key service', () => {
      const callers = [...SERVICES, 'migrate', 'some-other-pod'].filter((app) =>
        ingressAllowedFromPod(policies, labelsOf('privacy'), labelsOf(app), 3003),
      );
      expect(callers).toEqual(['checkout', 'payment', 'fulfilment']);
    });

    it('the evaluator itself sees a pod no policy isolates as unrestricted', () => {
      expect(egressAllowed([], labelsOf('checkout'), GATEWAY_IP, 443)).toBe(true);
    });
  });
});
