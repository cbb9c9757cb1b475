import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { appConfigSchema, loadConfig } from '@coop/platform';

/**
 * The Kubernetes manifests against the code they deploy: the environment they set is the one
 * the app reads (libs/platform's config schema), the probes hit /health on the port the app
 * listens on, the image and commands are what infra/Dockerfile builds, and every Service,
 * PodDisruptionBudget and Ingress reaches pods that exist.
 */
const dir = __dirname;
const root = join(dir, '..', '..');

type Doc = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: any; data?: Record<string, string>; stringData?: Record<string, string> };
type EnvVar = { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: { name: string; key: string } } };
type Container = { name: string; image: string; command?: string[]; ports?: Array<{ name?: string; containerPort: number }>; env?: EnvVar[]; envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>; readinessProbe?: any; livenessProbe?: any };

const kustomization = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as { resources: string[]; namespace: string };
const docs: Doc[] = kustomization.resources.flatMap((file) =>
  parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((d) => {
    if (d.errors.length) throw new Error(`${file}: ${d.errors[0].message}`);
    return d.toJSON() as Doc;
  }),
);
const byKind = (kind: string) => docs.filter((d) => d.kind === kind);
const one = (kind: string, name: string) => {
  const found = docs.find((d) => d.kind === kind && d.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
};
const configMap = one('ConfigMap', 'coop-env');
const secret = one('Secret', 'coop-secrets');
/** Pod templates of every workload, with the workload's name. */
const workloads = docs.filter((d) => ['Deployment', 'StatefulSet', 'Job'].includes(d.kind));
const podSpec = (d: Doc) => d.spec.template.spec as { containers: Container[] };
const podLabels = (d: Doc) => d.spec.template.metadata.labels as Record<string, string>;
/** Our app's containers: the ones running the image infra/Dockerfile builds. */
const appContainers = () => workloads.flatMap((w) => podSpec(w).containers.filter((c) => c.image.startsWith('coop-dispatch')).map((c) => ({ workload: w, container: c })));

/** The environment a container gets: envFrom ConfigMaps and Secrets, then env entries (which win). */
function environmentOf(c: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of c.envFrom ?? []) {
    if (from.configMapRef) Object.assign(env, one('ConfigMap', from.configMapRef.name).data);
    if (from.secretRef) Object.assign(env, one('Secret', from.secretRef.name).stringData);
  }
  for (const e of c.env ?? []) {
    const ref = e.valueFrom?.secretKeyRef ?? e.valueFrom?.configMapKeyRef;
    if (e.value !== undefined) env[e.name] = e.value;
    else if (e.valueFrom?.secretKeyRef) env[e.name] = one('Secret', ref!.name).stringData![ref!.key];
    else if (e.valueFrom?.configMapKeyRef) env[e.name] = one('ConfigMap', ref!.name).data![ref!.key];
  }
  return env;
}

const appVariables = new Set(Object.keys(appConfigSchema.shape));
const dockerfile = readFileSync(join(root, 'infra', 'Dockerfile'), 'utf8');

describe('Kubernetes manifests (infra/k8s)', () => {
  it('parses, and puts everything in the kustomization\'s namespace', () => {
    expect(docs.length).toBeGreaterThan(10);
    for (const d of docs.filter((x) => x.kind !== 'Namespace')) expect([d.kind, d.metadata.name, (d.metadata as { namespace?: string }).namespace]).toEqual([d.kind, d.metadata.name, kustomization.namespace]);
    expect(one('Namespace', kustomization.namespace)).toBeDefined();
  });

  it('sets only variables the app reads, and the ConfigMap holds only those', () => {
    expect(Object.keys(configMap.data!).filter((k) => !appVariables.has(k))).toEqual([]);
    for (const { workload, container } of appContainers()) {
      const unknown = Object.keys(environmentOf(container)).filter((k) => !appVariables.has(k));
      expect({ workload: workload.metadata.name, unknown }).toEqual({ workload: workload.metadata.name, unknown: [] });
    }
  });

  it('gives every app container a valid configuration, with what a multi-node deployment must not leave to defaults', () => {
    // The defaults point at 127.0.0.1 and migrate at boot, which is wrong for N pods.
    const required = ['PORT', 'DATABASE_URL', 'REDIS_URL', 'REDIS_PREFIX', 'WORKERS', 'MIGRATE_ON_BOOT'];
    for (const { workload, container } of appContainers()) {
      const env = environmentOf(container);
      if (workload.kind === 'Job') continue; // the migration job runs migrate.cli.js, which needs only the database
      expect({ workload: workload.metadata.name, missing: required.filter((k) => env[k] === undefined) }).toEqual({ workload: workload.metadata.name, missing: [] });
      const config = loadConfig(env); // throws ConfigError on any bad value, as the pod would at boot
      expect(config.MIGRATE_ON_BOOT).toBe(false);
    }
    expect(loadConfig(environmentOf(podSpec(one('Job', 'coop-migrate')).containers[0])).DATABASE_URL).toMatch(/^postgres:\/\/.*@postgres:5432\//);
  });

  it('runs the request path without background workers and the workers elsewhere, one prefix for all', () => {
    const env = (name: string) => loadConfig(environmentOf(podSpec(one('Deployment', name)).containers[0]));
    expect(env('dispatch').WORKERS).toBe(false);
    expect(env('workers').WORKERS).toBe(true);
    expect(env('dispatch').REDIS_PREFIX).toBe(env('workers').REDIS_PREFIX);
    expect(one('Deployment', 'dispatch').spec.replicas).toBeGreaterThan(1);
  });

  it('probes /health on the port the app listens on', () => {
    for (const { workload, container } of appContainers().filter((a) => a.workload.kind !== 'Job')) {
      const port = Number(environmentOf(container).PORT);
      const named = new Map((container.ports ?? []).map((p) => [p.name, p.containerPort]));
      for (const probe of [container.readinessProbe, container.livenessProbe]) {
        expect({ workload: workload.metadata.name, path: probe?.httpGet?.path }).toEqual({ workload: workload.metadata.name, path: '/health' });
        const probePort = probe.httpGet.port;
        expect(typeof probePort === 'number' ? probePort : named.get(probePort)).toBe(port);
      }
    }
  });

  it('runs the image infra/Dockerfile builds, with commands that exist in it', () => {
    const tag = /docker build -f infra\/Dockerfile -t (\S+) \./.exec(dockerfile)?.[1];
    expect(tag).toBe('coop-dispatch');
    expect(dockerfile).toMatch(/COPY --from=build .*\/app\/dist \.\/dist/);
    const exposed = Number(/^EXPOSE (\d+)/m.exec(dockerfile)?.[1]);
    expect(Number(configMap.data!.PORT)).toBe(exposed);
    for (const { container } of appContainers()) {
      expect(container.image.split(':')[0]).toBe(tag);
      // A command runs a file of dist/, compiled from a TypeScript source of the repository.
      const script = container.command?.find((a) => a.startsWith('dist/'));
      if (script) expect(existsSync(join(root, script.replace(/^dist\//, '').replace(/\.js$/, '.ts')))).toBe(true);
    }
    expect(dockerfile).toMatch(/CMD \["node", "dist\/apps\/server\/src\/main\.js"\]/);
    expect(existsSync(join(root, 'apps/server/src/main.ts'))).toBe(true);
  });

  it('takes every secret key from a Secret that has it', () => {
    for (const w of workloads) {
      for (const c of podSpec(w).containers) {
        for (const e of c.env ?? []) {
          const ref = e.valueFrom?.secretKeyRef;
          if (ref) expect({ env: e.name, found: one('Secret', ref.name).stringData?.[ref.key] !== undefined }).toEqual({ env: e.name, found: true });
        }
      }
    }
    expect(Object.keys(secret.stringData!).sort()).toEqual(['ADMIN_EMAIL', 'ADMIN_PASSWORD', 'DATABASE_URL', 'POSTGRES_PASSWORD']);
  });

  it('points every Service, PodDisruptionBudget and workload selector at the pods\' labels, and service ports at named container ports', () => {
    const matches = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);
    for (const w of workloads.filter((x) => x.kind !== 'Job')) expect(matches(w.spec.selector.matchLabels, podLabels(w))).toBe(true);
    for (const s of byKind('Service')) {
      const targets = workloads.filter((w) => w.kind !== 'Job' && matches(s.spec.selector, podLabels(w)));
      expect({ service: s.metadata.name, targets: targets.length }).toEqual({ service: s.metadata.name, targets: 1 });
      const portNames = new Set(podSpec(targets[0]).containers.flatMap((c) => (c.ports ?? []).map((p) => p.name)));
      for (const p of s.spec.ports) expect(portNames.has(p.targetPort)).toBe(true);
    }
    for (const pdb of byKind('PodDisruptionBudget')) {
      const target = workloads.find((w) => matches(pdb.spec.selector.matchLabels, podLabels(w)))!;
      expect(pdb.spec.minAvailable).toBeLessThan(target.spec.replicas);
    }
    for (const s of byKind('StatefulSet')) expect(one('Service', s.spec.serviceName)).toBeDefined();
  });

  it('routes the Ingress to the dispatch Service with cookie affinity for socket.io', () => {
    const ingress = one('Ingress', 'dispatch');
    expect(ingress.metadata.annotations).toMatchObject({ 'nginx.ingress.kubernetes.io/affinity': 'cookie' });
    const backend = ingress.spec.rules[0].http.paths[0].backend.service;
    const service = one('Service', backend.name);
    expect(service.spec.ports.map((p: { name: string }) => p.name)).toContain(backend.port.name);
  });

  it('reaches Redis and PostgreSQL by the Services\' names and ports', () => {
    const redisUrl = new URL(configMap.data!.REDIS_URL);
    expect(one('Service', redisUrl.hostname).spec.ports.map((p: { port: number }) => p.port)).toContain(Number(redisUrl.port));
    const dbUrl = new URL(secret.stringData!.DATABASE_URL);
    expect(one('Service', dbUrl.hostname).spec.ports.map((p: { port: number }) => p.port)).toContain(Number(dbUrl.port));
    expect(decodeURIComponent(dbUrl.password)).toBe(secret.stringData!.POSTGRES_PASSWORD);
  });
});
