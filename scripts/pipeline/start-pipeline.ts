import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';
import { createServer, connect } from 'node:net';
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

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      resolve(false);
    });
  });
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

  const deadline = Date.now() + 120_000;
  for (const app of apps) {
    const port = ports[app] ?? 0;
    while (!(await accepts(port))) {
      if (child.exitCode !== null)
        throw new Error(`npm start exited early:\n${output.slice(-4_000)}`);
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`${app} never listened on ${port}:\n${output.slice(-4_000)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  return {
    urls: Object.fromEntries(apps.map((app) => [app, `http://127.0.0.1:${String(ports[app])}`])),
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGINT');
      await exited;
    },
  };
}
