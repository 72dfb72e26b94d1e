// Lumen's single entry point: `npm run setup | test | start | kafka:start | kafka:stop`.
//
// It must run on a fresh clone under the machine's Node 20 with no node_modules, so this file
// imports only Node built-ins at the top. It installs dependencies first, then re-executes
// itself on the project's pinned Node 24 (node_modules/.bin/node), and only then loads the
// infrastructure helpers, which use pg, ioredis and kafkajs.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'node_modules', '.bin');
const PROJECT_NODE = path.join(BIN, 'node');
const MIN_NODE_MAJOR = 24;

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/lumen';
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

// Where each service listens: the one place ports are defined. Every service gets the whole
// table as LUMEN_<NAME>_PORT variables (so it can find the others) plus its own as PORT.
// A variable already set in the environment wins.
const PORTS = {
  checkout: 3000,
  payment: 3001,
  fulfilment: 3002,
  privacy: 3003,
  'gateway-simulator': 3101,
  'carrier-simulator': 3102,
  operations: 3200,
};

// kafkajs 2.2.4 hands setTimeout a negative delay after every broker response
// (tulios/kafkajs#1751); Node >= 23 warns about it. Harmless, and not ours to fix.
const NODE_FLAGS = ['--disable-warning=TimeoutNegativeWarning'];
const STOP_GRACE_MS = 10_000;
const MAX_RESTART_BACKOFF_MS = 30_000;

const COMMANDS = {
  setup: async () => {
    await setup();
  },
  test,
  start,
  'kafka:start': kafkaStart,
  'kafka:stop': kafkaStop,
  bench: () => runBuilt('bench/pipeline-bench.js'),
  'bench:relay': () => runBuilt('bench/relay-bench.js'),
  sweep: () => runBuilt('sweep/sweep.main.js'),
  'staff:create': () => runBuilt('staff/create-staff-account.main.js'),
  chaos: () => runBuilt('chaos/chaos.main.js'),
};

/** Lazily loaded after dependencies exist: { ensureKafka, stopKafka, ... }. */
let infra;
// Set the moment SIGINT/SIGTERM arrives: a service dying of that same signal is not restarted.
let shuttingDown = false;

// ---------------------------------------------------------------------------------------------
// Bootstrap: dependencies, then the right Node

async function main() {
  const name = process.argv[2];
  const command = COMMANDS[name];
  if (!command) {
    console.error(`usage: node scripts/lumen.mjs <${Object.keys(COMMANDS).join('|')}>`);
    process.exitCode = 2;
    return;
  }

  // The re-executed child skips this: its parent just did it.
  if (!process.env.LUMEN_DEPS_CHECKED) await step('dependencies', installDependencies);

  if (nodeMajor() < MIN_NODE_MAJOR) {
    if (process.env.LUMEN_DEPS_CHECKED) {
      throw new Error(`${PROJECT_NODE} is Node ${process.versions.node}; need ${MIN_NODE_MAJOR}+`);
    }
    process.exitCode = await reexecOnProjectNode();
    return;
  }

  hideKafkajsTimerWarning();
  infra = await loadInfra();
  await command();
}

function nodeMajor() {
  return Number(process.versions.node.split('.')[0]);
}

/** `npm ci` when node_modules is missing or older than package-lock.json. */
async function installDependencies() {
  const lock = path.join(ROOT, 'package-lock.json');
  const installed = path.join(ROOT, 'node_modules', '.package-lock.json');
  const haveLock = fs.existsSync(lock);
  const reason = !fs.existsSync(installed)
    ? 'node_modules missing'
    : haveLock && mtime(lock) > mtime(installed) && !sameInstall(lock, installed)
      ? 'package-lock.json changed'
      : undefined;
  if (!reason) return 'up to date';

  say(`installing dependencies (${reason})`);
  const npmArgs = haveLock ? ['ci'] : ['install'];
  const code = await runInherit('npm', [...npmArgs, '--no-audit', '--no-fund'], process.env);
  if (code !== 0) throw new Error(`npm ${npmArgs[0]} failed (exit ${code})`);
  return `npm ${npmArgs[0]}`;
}

/**
 * npm writes package-lock.json and node_modules/.package-lock.json within milliseconds of each
 * other, in either order, so a newer lock alone is not proof of change: compare what is pinned
 * with what is installed (ignoring optional packages for other platforms).
 */
function sameInstall(lockFile, installedFile) {
  const wanted = JSON.parse(fs.readFileSync(lockFile, 'utf8')).packages ?? {};
  const have = JSON.parse(fs.readFileSync(installedFile, 'utf8')).packages ?? {};
  return Object.entries(wanted).every(
    ([key, pkg]) =>
      key === '' || have[key]?.version === pkg.version || (!have[key] && pkg.optional === true),
  );
}

/** Runs this same command again on node_modules/.bin/node, forwarding signals. */
function reexecOnProjectNode() {
  if (!fs.existsSync(PROJECT_NODE)) {
    throw new Error(
      `Node ${process.versions.node} is too old (need ${MIN_NODE_MAJOR}+) and ${PROJECT_NODE} ` +
        "is missing: the 'node' devDependency did not install (is its install script allowed?)",
    );
  }
  const child = spawn(PROJECT_NODE, [...NODE_FLAGS, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, LUMEN_DEPS_CHECKED: '1', PATH: withBinOnPath(process.env.PATH) },
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => child.kill(signal));
  }
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve(exitStatus(code, signal)));
  });
}

/**
 * kafkajs (used by the readiness checks in this process) triggers a harmless Node warning,
 * see NODE_FLAGS. When this process was not started with that flag, filter just that warning.
 */
function hideKafkajsTimerWarning() {
  const printers = process.listeners('warning');
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name === 'TimeoutNegativeWarning') return;
    for (const print of printers) print(warning);
  });
}

async function loadInfra() {
  const [kafka, postgres, redis, zipkin, systemTools] = await Promise.all([
    import('./infra/kafka.mjs'),
    import('./infra/postgres.mjs'),
    import('./infra/redis.mjs'),
    import('./infra/zipkin.mjs'),
    import('./infra/system-tools.mjs'),
  ]);
  return { ...kafka, ...postgres, ...redis, ...zipkin, ...systemTools };
}

// ---------------------------------------------------------------------------------------------
// setup: infrastructure, build, provisioning

/**
 * Returns the environment services and tests need. With `traces`, a local Zipkin is started
 * too and services export their spans to it; otherwise (tests) they export nowhere unless
 * OTEL_TRACES_EXPORTER says so.
 */
async function setup({ traces = false, testTools = false } = {}) {
  const toolsEnv = {};
  const results = await Promise.allSettled([
    step('postgres', () => infra.ensurePostgres({ log: say })),
    step('redis', () => infra.ensureRedis({ log: say })),
    step('kafka', () => infra.ensureKafka({ log: say })),
    // Traces help, but the pipeline runs without them: a Zipkin that cannot start is a
    // warning, not a failure.
    traces
      ? step('zipkin', () => infra.ensureZipkin({ log: say })).catch((error) => {
          say(`zipkin: not started, traces are off (${error.message})`);
          return undefined;
        })
      : Promise.resolve(undefined),
    // A browser and promtool for the tests that check the operations page and alert rules.
    testTools
      ? step('test tools', async () => {
          Object.assign(toolsEnv, await infra.ensureTestTools({ log: say }));
          return Object.values(toolsEnv).join(', ');
        })
      : Promise.resolve(undefined),
  ]);
  const failure = results.find((r) => r.status === 'rejected');
  if (failure) throw failure.reason;

  const env = { ...serviceEnv(results[2].value, results[3].value), ...toolsEnv };
  await step('build', async () => {
    await mustRun('tsc', path.join(BIN, 'tsc'), ['-p', 'tsconfig.build.json'], env);
    return 'tsc -p tsconfig.build.json';
  });

  // scripts/provision/provision.ts creates the database, roles, schemas and Kafka topics.
  const provision = path.join(ROOT, 'dist', 'scripts', 'provision', 'provision.js');
  if (fs.existsSync(provision)) {
    await step('provision', async () => {
      await mustRun('provision', process.execPath, [...NODE_FLAGS, provision], env);
      return 'database, schemas, topics';
    });
  } else {
    say(`provision: skipped (${path.relative(ROOT, provision)} not built yet)`);
  }
  return env;
}

function serviceEnv(kafkaBrokers, zipkinEndpoint) {
  const ports = Object.fromEntries(Object.keys(PORTS).map((app) => [portVar(app), appPort(app)]));
  const traces = zipkinEndpoint
    ? { OTEL_TRACES_EXPORTER: 'zipkin', OTEL_EXPORTER_ZIPKIN_ENDPOINT: zipkinEndpoint }
    : { OTEL_TRACES_EXPORTER: process.env.OTEL_TRACES_EXPORTER ?? 'none' };
  return {
    ...process.env,
    ...traces,
    ...ports,
    PATH: withBinOnPath(process.env.PATH),
    KAFKA_BROKERS: kafkaBrokers,
    DATABASE_URL: process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
    REDIS_URL: process.env.REDIS_URL ?? DEFAULT_REDIS_URL,
  };
}

// ---------------------------------------------------------------------------------------------
// test: setup, then static checks and the three jest tiers, stopping at the first failure

async function test() {
  const started = performance.now();
  const summary = [];
  const totals = { passed: 0, failed: 0 };
  try {
    const env = await setup({ testTools: true });
    summary.push({ name: 'setup', status: 'ok', seconds: secondsSince(started) });
    const checks = [
      ['prettier', path.join(BIN, 'prettier'), ['--check', '.']],
      ['eslint', path.join(BIN, 'eslint'), ['--max-warnings', '0', '.']],
      ['typecheck', path.join(BIN, 'tsc'), ['-p', 'tsconfig.json', '--noEmit']],
    ];
    for (const [name, command, args] of checks) {
      if (!(await check(summary, name, () => runInherit(command, args, env)))) return;
    }
    for (const project of ['unit', 'integration', 'e2e']) {
      const name = `jest ${project}`;
      if ((await listJestTests(project, env)).length === 0) {
        say(`${name}: skipped (no test files)`);
        summary.push({ name, status: 'skipped', seconds: 0 });
        continue;
      }
      const args = [
        '--experimental-vm-modules',
        ...NODE_FLAGS,
        'node_modules/jest/bin/jest.js',
        '--runInBand',
        '--selectProjects',
        project,
        ...(project === 'e2e' ? ['--passWithNoTests'] : []),
        '--json',
        `--outputFile=${jestResultFile(project)}`,
      ];
      fs.rmSync(jestResultFile(project), { force: true });
      const passed = await check(summary, name, () => runInherit(process.execPath, args, env));
      countTests(totals, project);
      if (!passed) return;
    }
  } finally {
    // CI machines keep nothing between runs; locally the broker stays up for the next run.
    if (process.env.CI === 'true' && infra.kafkaStartedHere()) await infra.stopKafka({ log: say });
    printSummary(summary, started);
    // The plain closing line CI and people read: every jest test across the tiers.
    if (totals.passed + totals.failed > 0)
      console.log(`tests: ${totals.passed} passed, ${totals.failed} failed`);
  }
}

function jestResultFile(project) {
  fs.mkdirSync(path.join(ROOT, '.cache'), { recursive: true });
  return path.join(ROOT, '.cache', `jest-${project}.json`);
}

/** Adds one tier's counts (from jest's --json output) to the totals. */
function countTests(totals, project) {
  try {
    const result = JSON.parse(fs.readFileSync(jestResultFile(project), 'utf8'));
    totals.passed += result.numPassedTests;
    totals.failed += result.numFailedTests;
  } catch {
    totals.failed += 1; // no result file: jest itself failed to run
  }
}

/** Runs one check with timing; records it; sets a failing exit code. Returns success. */
async function check(summary, name, runIt) {
  say(`${name} …`);
  const t0 = performance.now();
  const code = await runIt();
  const status = code === 0 ? 'ok' : 'FAILED';
  summary.push({ name, status, seconds: secondsSince(t0) });
  if (code !== 0) process.exitCode = 1;
  return code === 0;
}

async function listJestTests(project, env) {
  const { code, stdout, stderr } = await runCaptured(
    process.execPath,
    ['node_modules/jest/bin/jest.js', '--listTests', '--selectProjects', project],
    env,
  );
  if (code !== 0) throw new Error(`jest --listTests failed:\n${stderr}`);
  return stdout.split('\n').filter((line) => line.trim().endsWith('.ts'));
}

function printSummary(summary, started) {
  if (summary.length === 0) return;
  const width = Math.max(...summary.map((s) => s.name.length));
  say('summary:');
  for (const { name, status, seconds } of summary) {
    const mark = status === 'ok' ? '✔' : status === 'skipped' ? '–' : '✘';
    const time = status === 'skipped' ? 'skipped' : `${seconds.toFixed(1)}s`;
    console.log(`  ${mark} ${name.padEnd(width)}  ${status === 'FAILED' ? 'FAILED ' : ''}${time}`);
  }
  const failed = summary.some((s) => s.status === 'FAILED');
  say(`${failed ? 'FAILED' : 'all checks passed'} in ${secondsSince(started).toFixed(1)}s`);
}

// ---------------------------------------------------------------------------------------------
// bench, sweep, chaos: setup, then one program compiled from scripts/**/*.ts; it prints its figures

async function runBuilt(script) {
  const env = await setup();
  const code = await runInherit(
    process.execPath,
    [...NODE_FLAGS, path.join(ROOT, 'dist', 'scripts', script)],
    env,
  );
  if (code !== 0) process.exitCode = code;
}

// ---------------------------------------------------------------------------------------------
// start: setup, then run and supervise every service until Ctrl-C

async function start() {
  // LUMEN_TRACES=off: no Zipkin, spans exported nowhere (the load benchmark's default).
  const env = await setup({ traces: process.env.LUMEN_TRACES !== 'off' });
  const shutdown = waitForShutdownSignal();
  // Signal listeners alone do not keep Node running; this does, until shutdown.
  const keepAlive = setInterval(() => undefined, 1 << 30);

  const apps = discoverApps();
  say(`infrastructure: kafka ${env.KAFKA_BROKERS}, ${redact(env.DATABASE_URL)}, ${env.REDIS_URL}`);
  const supervisors = [];
  if (apps.length === 0) {
    say('no services yet (no apps/<name>/src/main.ts); keeping infrastructure up, Ctrl-C to stop');
  }
  for (const app of apps) {
    const port = appPort(app);
    say(`${app}: ${port ? `http://127.0.0.1:${port}` : 'no port in PORTS (scripts/lumen.mjs)'}`);
    supervisors.push(supervise(app, env, port));
  }

  // The storefront driver posts a steady stream of orders once checkout is up, so the
  // pipeline visibly works; LUMEN_DRIVER=off runs the services alone (the e2e tier does).
  if (
    process.env.LUMEN_DRIVER !== 'off' &&
    apps.includes('checkout') &&
    apps.includes('gateway-simulator')
  ) {
    const driver = path.join(ROOT, 'dist', 'scripts', 'driver', 'storefront-driver.js');
    say(
      'storefront: posting orders to checkout (LUMEN_DRIVER=off to stop it; LUMEN_DRIVER_RATE per second)',
    );
    supervisors.push(supervise('storefront', env, undefined, driver));
  }
  if (env.OTEL_TRACES_EXPORTER === 'zipkin')
    say(`traces: ${infra.ZIPKIN_UI} (one trace per order)`);
  if (apps.includes('operations')) {
    say(`operations page: http://127.0.0.1:${appPort('operations')}/ (metrics: <service>/metrics)`);
  }
  if (apps.includes('checkout')) {
    say(`API docs: http://127.0.0.1:${appPort('checkout')}/openapi.json`);
  }

  const signal = await shutdown;
  say(`${signal}: stopping`);
  await Promise.all(supervisors.map((s) => s.stop()));
  if (infra.kafkaStartedHere()) await infra.stopKafka({ log: say });
  if (infra.zipkinStartedHere()) await infra.stopZipkin({ log: say });
  clearInterval(keepAlive);
}

/** apps/<name> directories with a src/main.ts, in name order. */
function discoverApps() {
  const appsDir = path.join(ROOT, 'apps');
  if (!fs.existsSync(appsDir)) return [];
  return fs
    .readdirSync(appsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(appsDir, d.name, 'src', 'main.ts')))
    .map((d) => d.name)
    .sort();
}

/** Services with a schema of their own; provisioning creates a role `lumen_<service>` for each. */
const DATABASE_SERVICES = new Set(['checkout', 'payment', 'fulfilment', 'privacy']);

/**
 * Each service connects as its own role, which reaches only its own schema (ADR 0003);
 * provisioning alone uses the admin URL.
 */
function ownDatabaseRole(app, env) {
  if (!DATABASE_SERVICES.has(app) || !env.DATABASE_URL) return {};
  const url = new URL(env.DATABASE_URL);
  url.username = `lumen_${app}`;
  url.password = '';
  return { DATABASE_URL: url.toString() };
}

/** Runs one service, prefixes its output, and restarts it with backoff when it dies. */
function supervise(app, env, port, main = path.join(ROOT, 'dist', 'apps', app, 'src', 'main.js')) {
  const childEnv = { ...env, ...(port ? { PORT: port } : {}), ...ownDatabaseRole(app, env) };
  let child;
  let stopping = false;
  let restartTimer;
  let backoffMs = 1_000;

  const launch = () => {
    const launchedAt = Date.now();
    child = spawn(process.execPath, [...NODE_FLAGS, '--enable-source-maps', main], {
      cwd: ROOT,
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    prefixLines(child.stdout, app, process.stdout);
    prefixLines(child.stderr, app, process.stderr);
    child.on('exit', (code, signal) => {
      if (stopping || shuttingDown) return;
      // A service that ran for a while before dying gets a fresh, short backoff.
      if (Date.now() - launchedAt > MAX_RESTART_BACKOFF_MS) backoffMs = 1_000;
      say(`${app} died (${signal ?? `exit ${code}`}); restarting in ${backoffMs / 1000}s`);
      restartTimer = setTimeout(() => {
        if (!stopping && !shuttingDown) launch();
      }, backoffMs);
      backoffMs = Math.min(backoffMs * 2, MAX_RESTART_BACKOFF_MS);
    });
  };
  launch();

  return {
    stop: async () => {
      stopping = true;
      clearTimeout(restartTimer);
      await terminate(child, app);
    },
  };
}

/** SIGTERM, then SIGKILL if the process is still there after the grace period. */
async function terminate(child, label) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    say(`${label} ignored SIGTERM for ${STOP_GRACE_MS / 1000}s; sending SIGKILL`);
    child.kill('SIGKILL');
  }, STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

function prefixLines(stream, app, out) {
  const width = Math.max(...Object.keys(PORTS).map((n) => n.length));
  const prefix = `${app.padEnd(width)} | `;
  readline.createInterface({ input: stream }).on('line', (line) => out.write(prefix + line + '\n'));
}

/**
 * Resolves with the first SIGINT/SIGTERM. Ctrl-C often reaches us twice (the terminal signals
 * the whole process group, and npm or our Node 20 parent forwards it), so only a repeat more
 * than a second later means "stop waiting and exit now".
 */
function waitForShutdownSignal() {
  return new Promise((resolve) => {
    let firstAt;
    const onSignal = (signal) => {
      if (firstAt === undefined) {
        firstAt = Date.now();
        shuttingDown = true;
        resolve(signal);
      } else if (Date.now() - firstAt > 1_000) {
        say(`${signal} again: exiting without waiting`);
        process.exit(130);
      }
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

// ---------------------------------------------------------------------------------------------
// kafka:start / kafka:stop

async function kafkaStart() {
  const brokers = await step('kafka', () => infra.ensureKafka({ log: say }));
  if (infra.kafkaStartedHere()) say(`broker left running on ${brokers}; npm run kafka:stop`);
}

async function kafkaStop() {
  await step('kafka stop', async () => ((await infra.stopKafka({ log: say })) ? 'stopped' : ''));
}

// ---------------------------------------------------------------------------------------------
// Helpers

function say(message) {
  console.log(`lumen: ${message}`);
}

/** Runs fn, then prints one line with its result and how long it took. */
async function step(label, fn) {
  const t0 = performance.now();
  try {
    const detail = await fn();
    say(`${label}${detail ? `: ${detail}` : ''} (${secondsSince(t0).toFixed(1)}s)`);
    return detail;
  } catch (error) {
    say(`${label}: FAILED after ${secondsSince(t0).toFixed(1)}s`);
    throw error;
  }
}

async function mustRun(label, command, args, env) {
  const code = await runInherit(command, args, env);
  if (code !== 0) throw new Error(`${label} failed (exit ${code})`);
}

/** Runs a command with the terminal attached; resolves with its exit code. */
function runInherit(command, args, env) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: 'inherit' });
    child.on('error', (error) => {
      console.error(`lumen: cannot run ${command}: ${error.message}`);
      resolve(127);
    });
    child.on('exit', (code, signal) => resolve(exitStatus(code, signal)));
  });
}

function runCaptured(command, args, env) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (error) => resolve({ code: 127, stdout, stderr: error.message }));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function withBinOnPath(pathVar = '') {
  return pathVar.split(path.delimiter).includes(BIN)
    ? pathVar
    : `${BIN}${path.delimiter}${pathVar}`;
}

function portVar(app) {
  return `LUMEN_${app.toUpperCase().replaceAll('-', '_')}_PORT`;
}

function appPort(app) {
  return process.env[portVar(app)] ?? (PORTS[app] === undefined ? undefined : String(PORTS[app]));
}

function redact(url) {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

/** A shell-style exit status: the code, or 128 + signal number for a killed process. */
function exitStatus(code, signal) {
  return code ?? 128 + (os.constants.signals[signal] ?? 0);
}

function mtime(file) {
  return fs.statSync(file).mtimeMs;
}

function secondsSince(t0) {
  return (performance.now() - t0) / 1000;
}

main().catch((error) => {
  console.error(`lumen: ${error.message}`);
  process.exitCode = 1;
});
