import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

/**
 * The whole pipeline, started exactly as `npm start` starts it (scripts/lumen.mjs start),
 * on free ports so it never collides with a developer's running copy. Tests talk to it over
 * HTTP only: this is the black box a storefront, a carrier or an operator sees.
 */
export interface Pipeline {
  /** Base URL of each running app, by app name (`checkout`, `gateway-simulator`, ...). */
  readonly urls: Readonly<Record<string, string>>;
  /** Everything the processes printed so far (for leak checks and failure reports). */
  output(): string;
  /**
   * The process id of one app's current process, as `npm start` supervises it (undefined
   * while it is down). The crash tests SIGKILL it and let the supervisor restart it.
   */
  pidOf(app: string): number | undefined;
  stop(): Promise<void>;
}

/** The repository root, from the source (scripts/pipeline) or the build (dist/scripts/pipeline). */
export function findRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}
const ROOT = findRoot();

export function appsWithMain(): string[] {
  const appsDir = join(ROOT, 'apps');
  return readdirSync(appsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(appsDir, d.name, 'src', 'main.ts')))
    .map((d) => d.name)
    .sort();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

/**
 * The app's readiness: 200 once it listens, its dependencies answer and (for a service that
 * consumes events) its consumer has joined its group. Listening alone no longer says the
 * consumer joined: the HTTP API starts without waiting for the group.
 */
async function readiness(port: number): Promise<{ ready: boolean; answer: string }> {
  try {
    const response = await fetch(`http://127.0.0.1:${String(port)}/health/ready`, {
      signal: AbortSignal.timeout(5_000),
    });
    return { ready: response.status === 200, answer: await response.text() };
  } catch (error) {
    return { ready: false, answer: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * The children of `parent` running `script`, from /proc (Linux, where the pipeline runs):
 * scripts/lumen.mjs spawns each app as `node ... dist/apps/<app>/src/main.js` and restarts it
 * under a new pid when it dies, so the pid is looked up afresh each time.
 */
function childRunning(parent: number, script: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 4 of /proc/<pid>/stat is the parent pid; the name in field 2 may hold spaces.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parentPid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parentPid !== parent) continue;
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (argv.includes(script)) return Number(entry);
    } catch {
      // The process exited while we looked.
    }
  }
  return undefined;
}

export async function startPipeline(extraEnv: Record<string, string> = {}): Promise<Pipeline> {
  const apps = appsWithMain();
  const ports: Record<string, number> = Object.fromEntries(
    await Promise.all(apps.map(async (app) => [app, await freePort()] as const)),
  );
  const portEnv = Object.fromEntries(
    apps.map((app) => [`LUMEN_${app.toUpperCase().replaceAll('-', '_')}_PORT`, String(ports[app])]),
  );
  let output = '';
  const child: ChildProcess = spawn(
    process.execPath,
    [join(ROOT, 'scripts', 'lumen.mjs'), 'start'],
    {
      cwd: ROOT,
      // No storefront driver unless asked: tests place exactly the orders they check.
      env: {
        ...process.env,
        LUMEN_DRIVER: 'off',
        ...portEnv,
        ...extraEnv,
        LUMEN_DEPS_CHECKED: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });

  // Tests publish and place orders right away: every app must be ready, consumers joined.
  const deadline = Date.now() + 120_000;
  for (const app of apps) {
    const port = ports[app] ?? 0;
    for (;;) {
      const { ready, answer } = await readiness(port);
      if (ready) break;
      if (child.exitCode !== null)
        throw new Error(`npm start exited early:\n${output.slice(-4_000)}`);
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(
          `${app} was not ready on ${String(port)} (${answer.slice(0, 500)}):\n${output.slice(-4_000)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  return {
    urls: Object.fromEntries(apps.map((app) => [app, `http://127.0.0.1:${String(ports[app])}`])),
    output: () => output,
    pidOf: (app) =>
      child.pid === undefined
        ? undefined
        : childRunning(child.pid, join(ROOT, 'dist', 'apps', app, 'src', 'main.js')),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGINT');
      await exited;
    },
  };
}
