import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readText, ROOT } from './support/deploy-files';

/**
 * No Docker engine runs here and Debian has no hadolint, so the image recipe is checked by
 * the rules it claims (multi-stage, Node 24 slim, production dependencies only, non-root,
 * a health check), and the two scripts it installs are run for real.
 */
const run = promisify(execFile);

interface Stage {
  name: string;
  from: string;
  instructions: string[];
}

/** Dockerfile instructions by stage, with line continuations joined and comments dropped. */
function stages(): { args: Record<string, string>; stages: Stage[] } {
  const lines = readText('Dockerfile')
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const args: Record<string, string> = {};
  const result: Stage[] = [];
  for (const line of lines) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) {
      result.push({ name: from[2] ?? '', from: from[1] ?? '', instructions: [] });
    } else if (result.length === 0) {
      const arg = /^ARG\s+(\w+)=(\S+)/.exec(line);
      if (arg) args[arg[1] ?? ''] = arg[2] ?? '';
    } else {
      result[result.length - 1]?.instructions.push(line);
    }
  }
  return { args, stages: result };
}

const { args, stages: all } = stages();
const runtime = all[all.length - 1]!;
const stage = (name: string) => all.find((s) => s.name === name)!;

/** Bare package names a source file imports (not relative, not node:, not #lumen). */
function importedPackages(file: string): string[] {
  // `import type` is erased by the compiler: it needs no package at run time.
  const source = readText(file).replace(/import type [^;]+;/g, '');
  return [...source.matchAll(/from '([^'.#][^']*)'/g)]
    .map((m) => m[1] ?? '')
    .filter((name) => !name.startsWith('node:'))
    .map((name) =>
      name.startsWith('@') ? name.split('/').slice(0, 2).join('/') : name.split('/')[0]!,
    );
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(join(ROOT, path)).isDirectory()) return entry === 'test' ? [] : sourceFiles(path);
    return path.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(path) ? [path] : [];
  });
}

describe('Dockerfile', () => {
  it('builds in stages: build, production dependencies, runtime', () => {
    expect(all.map((s) => s.name)).toEqual(['build', 'deps', 'runtime']);
    for (const s of all) expect(s.from).toBe('${NODE_IMAGE}');
  });

  it('runs on Node 24 slim', () => {
    expect(args.NODE_IMAGE).toMatch(/^node:24(\.\d+)*(-[a-z]+)?-slim(@sha256:[0-9a-f]{64})?$/);
  });

  it('installs production dependencies only into the runtime image', () => {
    expect(stage('deps').instructions).toContainEqual(
      expect.stringMatching(/^RUN npm ci --omit=dev\b/),
    );
    const copies = runtime.instructions.filter((i) => i.startsWith('COPY'));
    expect(copies).toContainEqual(expect.stringMatching(/--from=deps .*\/app\/node_modules/));
    // node_modules of the build stage (with TypeScript, jest, eslint) never reaches it.
    expect(copies.filter((c) => c.includes('--from=build'))).toEqual([
      expect.stringMatching(/\/src\/dist \.\/dist$/),
    ]);
    expect(runtime.instructions.some((i) => /\bnpm (ci|install)\b/.test(i))).toBe(false);
  });

  it('the production dependencies are all the runtime code imports', () => {
    const manifest = JSON.parse(readText('package.json')) as {
      dependencies: Record<string, string>;
    };
    const runtimeFiles = [
      ...readdirSync(join(ROOT, 'apps')).flatMap((app) => sourceFiles(join('apps', app, 'src'))),
      ...readdirSync(join(ROOT, 'libs')).flatMap((lib) => sourceFiles(join('libs', lib, 'src'))),
      ...sourceFiles('scripts/provision'),
      'scripts/deploy/migrate.ts',
      'scripts/deploy/init-secrets.ts',
    ];
    expect(runtimeFiles.length).toBeGreaterThan(50);
    const missing = new Set(
      runtimeFiles.flatMap((file) =>
        importedPackages(file)
          .filter((name) => !(name in manifest.dependencies))
          .map((name) => `${name} (${file})`),
      ),
    );
    expect([...missing]).toEqual([]);
  });

  it('runs as the unprivileged node user, with a health check and the entry point', () => {
    const users = runtime.instructions.filter((i) => i.startsWith('USER'));
    expect(users).toEqual(['USER node']);
    const user = runtime.instructions.indexOf('USER node');
    // Nothing after USER switches back, and the service's files are not its own to change.
    expect(runtime.instructions.slice(user).some((i) => /^(RUN|COPY --chown=node)/.test(i))).toBe(
      false,
    );
    expect(runtime.instructions).toContainEqual(
      expect.stringMatching(
        /^HEALTHCHECK .*CMD \["node", "\/usr\/local\/lib\/lumen\/healthcheck\.mjs"\]$/,
      ),
    );
    expect(runtime.instructions).toContain('ENTRYPOINT ["/usr/local/lib/lumen/entrypoint.sh"]');
  });

  it('copies only what exists and what .dockerignore lets through', () => {
    const ignored = readText('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    for (const secretOrState of ['.lumen', '**/node_modules', 'dist', '.git', '.cache']) {
      expect(ignored).toContain(secretOrState);
    }
    const sources = all
      .flatMap((s) => s.instructions)
      .filter((i) => i.startsWith('COPY') && !i.includes('--from='))
      .flatMap((i) =>
        i
          .split(/\s+/)
          .filter((w) => !w.startsWith('--'))
          .slice(1, -1),
      );
    expect(sources.length).toBeGreaterThan(5);
    for (const source of sources) {
      expect({ source, exists: existsSync(join(ROOT, source)) }).toEqual({ source, exists: true });
      expect({ source, ignored: ignored.includes(source) }).toEqual({ source, ignored: false });
    }
  });
});

describe('docker/entrypoint.sh', () => {
  const entrypoint = join(ROOT, 'docker', 'entrypoint.sh');
  const dir = mkdtempSync(join(tmpdir(), 'lumen-entrypoint-'));
  const keyFile = join(dir, 'master-key');
  writeFileSync(keyFile, 'c2VjcmV0LWZyb20tYS1maWxl\n');
  const print = (name: string) => ['sh', '-c', `printf '%s' "\${${name}:-unset}"`];

  it('turns <NAME>_FILE into <NAME> for the secrets it lists', async () => {
    const { stdout } = await run('sh', [entrypoint, ...print('LUMEN_MASTER_KEY')], {
      env: { PATH: process.env.PATH, LUMEN_MASTER_KEY_FILE: keyFile },
    });
    expect(stdout).toBe('c2VjcmV0LWZyb20tYS1maWxl');
  });

  it('leaves the services’ own *_FILE path variables alone', async () => {
    const { stdout } = await run('sh', [entrypoint, ...print('MERCHANT_KEY')], {
      env: { PATH: process.env.PATH, MERCHANT_KEY_FILE: keyFile },
    });
    expect(stdout).toBe('unset');
  });

  it('refuses both a value and a file, and a file it cannot read', async () => {
    await expect(
      run('sh', [entrypoint, 'true'], {
        env: { PATH: process.env.PATH, LUMEN_MASTER_KEY: 'x', LUMEN_MASTER_KEY_FILE: keyFile },
      }),
    ).rejects.toMatchObject({ code: 64 });
    await expect(
      run('sh', [entrypoint, 'true'], {
        env: { PATH: process.env.PATH, DATABASE_URL_FILE: join(dir, 'missing') },
      }),
    ).rejects.toMatchObject({ code: 66 });
  });
});

describe('docker/healthcheck.mjs', () => {
  let server: Server;
  let status = 200;
  let port = 0;
  beforeAll(async () => {
    server = createServer((request, response) => {
      response.statusCode = request.url === '/health/live' ? status : 404;
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const check = (onPort: number) =>
    run(process.execPath, [join(ROOT, 'docker', 'healthcheck.mjs')], {
      env: { PORT: String(onPort) },
    }).then(
      () => 0,
      (error: unknown) => (error as { code: number }).code,
    );

  it('passes when /health/live answers 2xx, fails otherwise', async () => {
    status = 200;
    expect(await check(port)).toBe(0);
    status = 503;
    expect(await check(port)).toBe(1);
  });

  it('fails when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const unused = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await check(unused)).toBe(1);
  });
});
