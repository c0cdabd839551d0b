import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { createMemoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { parsePublicUrl, parseShardFlags } from '../../src/cli/shard-flag.js';
import { ROOT } from '../support/cordform-process.js';

/**
 * The deployment files, checked statically: there is no Docker engine or cluster here, so
 * the image is not built. The Dockerfile is parsed instruction by instruction; the
 * Kubernetes example is parsed with `yaml`, its `$(VAR)` references expanded as the kubelet
 * does, and the results fed to cordform's own flag parsers.
 */
interface Instruction {
  keyword: string;
  args: string;
  stage: number;
}

/** Instructions with line continuations joined and comments dropped; `stage` counts FROMs. */
function parseDockerfile(text: string): Instruction[] {
  const logical = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  let stage = -1;
  return logical.map((line) => {
    const [keyword = '', ...rest] = line.split(/\s+/);
    if (keyword.toUpperCase() === 'FROM') stage += 1;
    return { keyword: keyword.toUpperCase(), args: rest.join(' '), stage };
  });
}

/** Exec form: a JSON array of strings. */
function execForm(args: string): string[] {
  const parsed: unknown = JSON.parse(args);
  expect(Array.isArray(parsed) && parsed.every((item) => typeof item === 'string')).toBe(true);
  return parsed as string[];
}

describe('Dockerfile', async () => {
  const instructions = parseDockerfile(await readFile(join(ROOT, 'Dockerfile'), 'utf8'));
  const finalStage = Math.max(...instructions.map((i) => i.stage));
  const last = instructions.filter((i) => i.stage === finalStage);
  const one = (keyword: string) => {
    const found = last.filter((i) => i.keyword === keyword);
    expect(found, keyword).toHaveLength(1);
    return found[0]!;
  };

  it('is multi-stage: a build stage with the dev dependencies, a runtime stage that copies only its output', () => {
    const froms = instructions.filter((i) => i.keyword === 'FROM');
    expect(froms.length).toBeGreaterThanOrEqual(2);
    expect(froms[0]!.args).toMatch(/ AS build$/i);
    expect(last.some((i) => i.keyword === 'COPY' && i.args.startsWith('--from=build'))).toBe(true);
    expect(last.some((i) => i.keyword === 'RUN' && /npm (ci|install)/.test(i.args))).toBe(false);
    const build = instructions.filter((i) => i.stage === 0 && i.keyword === 'RUN').map((i) => i.args).join(' && ');
    expect(build).toContain('npm ci');
    expect(build).toContain('npm run build');
    expect(build).toContain('npm prune --omit=dev');
  });

  it('runs as a non-root user', () => {
    const user = one('USER').args;
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(last.findIndex((i) => i.keyword === 'USER')).toBeLessThan(last.findIndex((i) => i.keyword === 'ENTRYPOINT'));
  });

  it('ENTRYPOINT and CMD are exec form (node is PID 1 and gets SIGTERM), CMD listens on all interfaces', () => {
    expect(execForm(one('ENTRYPOINT').args)).toEqual(['node', '/app/bin/cordform']);
    const cmd = execForm(one('CMD').args);
    expect(cmd[0]).toBe('run');
    expect(cmd.join(' ')).toContain('--host 0.0.0.0');
    expect(one('STOPSIGNAL').args).toBe('SIGTERM');
  });

  it('HEALTHCHECK asks /healthz on the port the CMD listens on, in exec form', () => {
    const healthcheck = one('HEALTHCHECK').args;
    const [, options = '', command = ''] = /^(.*?)CMD (\[.*\])$/.exec(healthcheck) ?? [];
    expect(options).toMatch(/--interval=\d+s/);
    const probe = execForm(command);
    expect(probe[0]).toBe('node');
    const port = execForm(one('CMD').args).at(execForm(one('CMD').args).indexOf('--port') + 1);
    expect(probe.join(' ')).toContain(`http://127.0.0.1:${port}/healthz`);
    expect(one('EXPOSE').args).toBe(port);
  });

  it('copies only paths that exist, and .dockerignore keeps dependencies, builds and secrets out', async () => {
    for (const copy of instructions.filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from'))) {
      const sources = copy.args.split(/\s+/).slice(0, -1);
      for (const source of sources) expect(existsSync(join(ROOT, source)), source).toBe(true);
    }
    const ignored = (await readFile(join(ROOT, '.dockerignore'), 'utf8')).split('\n').map((line) => line.trim());
    for (const entry of ['.git', 'node_modules', 'dist', '.env']) expect(ignored).toContain(entry);
  });
});

describe('Kubernetes example', async () => {
  const documents = parseAllDocuments(await readFile(join(ROOT, 'examples/kubernetes/cordform.yaml'), 'utf8'));
  const objects = documents.map((document) => {
    expect(document.errors).toEqual([]);
    return document.toJS() as { kind: string; metadata: { name: string }; spec?: any; data?: Record<string, string> };
  });
  const byKind = (kind: string) => objects.filter((object) => object.kind === kind);
  const statefulSet = byKind('StatefulSet')[0]!;
  const pod = statefulSet.spec.template;
  const container = pod.spec.containers[0];
  const env: Array<{ name: string; value?: string; valueFrom?: any }> = container.env;

  /** The kubelet's `$(VAR)` expansion, with the downward API values of pod `ordinal`. */
  function expand(text: string, ordinal: number): string {
    const values: Record<string, string> = {};
    for (const variable of env) {
      const field = variable.valueFrom?.fieldRef?.fieldPath as string | undefined;
      if (field === 'metadata.name') values[variable.name] = `${statefulSet.metadata.name}-${ordinal}`;
      else if (field === 'metadata.namespace') values[variable.name] = 'bots';
      else if (field === "metadata.labels['apps.kubernetes.io/pod-index']") values[variable.name] = String(ordinal);
      else if (variable.value !== undefined) values[variable.name] = variable.value.replace(/\$\((\w+)\)/g, (_m, name: string) => values[name] ?? `$(${name})`);
    }
    return text.replace(/\$\((\w+)\)/g, (_m, name: string) => values[name] ?? `$(${name})`);
  }

  it('a StatefulSet whose pod ordinal is the shard id, with as many replicas as shards', () => {
    const shard = env.find((variable) => variable.name === 'CORDFORM_SHARD')!.value!;
    for (let ordinal = 0; ordinal < statefulSet.spec.replicas; ordinal += 1) {
      expect(parseShardFlags({}, { CORDFORM_SHARD: expand(shard, ordinal) })).toEqual({
        kind: 'fixed',
        id: ordinal,
        count: statefulSet.spec.replicas,
      });
    }
    // The older form, from the pod name alone, names the same shard.
    expect(parseShardFlags({}, { CORDFORM_SHARD: expand('$(POD_NAME)/$(SHARD_COUNT)', 1) })).toEqual({ kind: 'fixed', id: 1, count: 2 });
    expect(statefulSet.spec.podManagementPolicy).toBe('Parallel');
  });

  it('each pod calls itself by its own DNS name under the headless Service (callbacks)', () => {
    const headless = byKind('Service').find((service) => service.metadata.name === statefulSet.spec.serviceName)!;
    expect(headless.spec.clusterIP).toBe('None');
    expect(headless.spec.selector).toEqual(pod.metadata.labels);
    const args: string[] = container.args;
    const url = parsePublicUrl(expand(args[args.indexOf('--public-url') + 1]!, 1));
    expect(url).toBe(`http://cordform-1.${headless.metadata.name}.bots.svc.cluster.local:8080`);
  });

  it('readiness on /healthz, Prometheus scrape annotations on /metrics, the port cordform listens on', () => {
    const args: string[] = container.args;
    const port = Number(args[args.indexOf('--port') + 1]);
    expect(container.ports).toEqual([{ name: 'http', containerPort: port }]);
    expect(container.readinessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(pod.metadata.annotations).toEqual({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(port), 'prometheus.io/path': '/metrics' });
    expect(args).toEqual(expect.arrayContaining(['--host', '0.0.0.0']));
  });

  it('non-root, and time to drain on SIGTERM', () => {
    expect(pod.spec.securityContext.runAsNonRoot).toBe(true);
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
    expect(pod.spec.terminationGracePeriodSeconds).toBeGreaterThan(45);
    expect(env.find((variable) => variable.name === 'DISCORD_BOT_TOKEN')?.valueFrom?.secretKeyRef).toBeDefined();
  });

  it('the manifest in the ConfigMap is valid and is what the pods mount', async () => {
    const configMap = byKind('ConfigMap')[0]!;
    expect(pod.spec.volumes[0].configMap.name).toBe(configMap.metadata.name);
    const dir = await mkdtemp(join(tmpdir(), 'cordform-k8s-'));
    try {
      await writeFile(join(dir, 'cordform.yaml'), configMap.data!['cordform.yaml']!);
      const io = createMemoryIo({ cwd: dir, env: { DISCORD_BOT_TOKEN: 'token-for-validation' } });
      expect(await runCli(['validate', '-f', 'cordform.yaml'], io), io.stderr()).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    expect(container.args).toEqual(expect.arrayContaining(['-f', `${container.volumeMounts[0].mountPath}/cordform.yaml`]));
  });
});
