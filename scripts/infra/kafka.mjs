// A local single-node Kafka (KRaft) broker built from Maven Central jars: no tarball, no
// Docker. See docs/adr/0002-local-kafka-from-maven-central.md for the why.
//
//   ensureKafka({ log })  -> '127.0.0.1:9092' (or $KAFKA_BROKERS), starting a broker if needed
//   stopKafka({ log })    -> stops the broker this checkout started (pidfile), if any
//   restartKafka({ log }) -> stop + ensure; for crash/recovery tests
//
// Everything the broker writes lives under .cache/kafka/ (git-ignored):
//   <version>/libs/   runtime classpath copied by Maven (deploy/kafka/pom.xml)
//   data/             KRaft metadata and topic logs
//   server.properties rendered from deploy/kafka/server.properties
//   kafka.pid, kafka.log (previous run's log kept as kafka.prev.log)
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const DEPLOY_DIR = path.join(ROOT, 'deploy', 'kafka');
const POM = path.join(DEPLOY_DIR, 'pom.xml');
const CACHE_DIR = path.join(ROOT, '.cache', 'kafka');
const DATA_DIR = path.join(CACHE_DIR, 'data');
const PROPS_FILE = path.join(CACHE_DIR, 'server.properties');
const PID_FILE = path.join(CACHE_DIR, 'kafka.pid');
const LOG_FILE = path.join(CACHE_DIR, 'kafka.log');
const PREV_LOG_FILE = path.join(CACHE_DIR, 'kafka.prev.log');

const HOST = '127.0.0.1';
const PORT = 9092;
const LOCAL_BROKERS = `${HOST}:${PORT}`;
// Fixed so that re-formatting is a no-op and the data dir stays valid across runs. Any 22-char
// base64url string encoding 16 bytes is a valid KRaft cluster id.
const CLUSTER_ID = 'LumenDevKafkaCluster0w';
const READY_LINE = 'Kafka Server started';
const JVM_OPTS = [
  '-Xms512m',
  '-Xmx512m',
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-XX:InitiatingHeapOccupancyPercent=35',
  '-XX:+ExplicitGCInvokesConcurrent',
  '-XX:+ExitOnOutOfMemoryError',
  '-Djava.awt.headless=true',
];
const START_TIMEOUT_MS = Number(process.env.LUMEN_KAFKA_START_TIMEOUT_MS ?? 120_000);
const STOP_GRACE_MS = 30_000;
const INSTALL_HINT = 'apt-get install openjdk-17-jre-headless maven';

let startedHere = false;

/** True when ensureKafka() in this process started the broker (so it may stop it again). */
export function kafkaStartedHere() {
  return startedHere;
}

/** The Kafka version: LUMEN_KAFKA_VERSION, else the one pinned in deploy/kafka/pom.xml. */
export function kafkaVersion() {
  if (process.env.LUMEN_KAFKA_VERSION) return process.env.LUMEN_KAFKA_VERSION;
  const match = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(fs.readFileSync(POM, 'utf8'));
  if (!match) throw new Error(`no <kafka.version> in ${POM}`);
  return match[1].trim();
}

/**
 * Makes sure a Kafka cluster answers and returns its bootstrap broker list.
 * $KAFKA_BROKERS wins (we only check it); otherwise reuse a broker already on 127.0.0.1:9092;
 * otherwise resolve the jars, format storage and start one in the background.
 */
export async function ensureKafka({ log = console.log } = {}) {
  const external = process.env.KAFKA_BROKERS;
  if (external) {
    await waitForCluster(external, 30_000);
    log(`kafka: using KAFKA_BROKERS=${external}`);
    return external;
  }

  if (await canConnect(HOST, PORT)) {
    await waitForCluster(LOCAL_BROKERS, 60_000);
    await warmUp(LOCAL_BROKERS); // it may have started a moment ago
    log(`kafka: reusing the broker already listening on ${LOCAL_BROKERS}`);
    return LOCAL_BROKERS;
  }

  // A broker of ours may still be starting (e.g. another command launched it a moment ago):
  // wait for it instead of starting a second one that would fight over the port and data dir.
  const pid = ourBrokerPid();
  if (pid) {
    log(`kafka: waiting for the broker already starting (pid ${pid})`);
    await waitUntilReady({ pid, logOffset: 0 });
    await warmUp(LOCAL_BROKERS);
    return LOCAL_BROKERS;
  }

  const java = requireJava();
  const version = kafkaVersion();
  const libs = await resolveJars(version, log);
  renderServerProperties();
  formatStorage(java, libs, log);
  const started = startBroker(java, libs);
  startedHere = true;
  log(`kafka: started Kafka ${version} (pid ${started.pid}), log ${rel(LOG_FILE)}`);
  await waitUntilReady(started);
  await warmUp(LOCAL_BROKERS);
  return LOCAL_BROKERS;
}

/**
 * Stops the broker this checkout started (found through the pidfile): SIGTERM for a clean
 * controlled shutdown, SIGKILL if it is still alive after the grace period.
 * Returns true when a broker was stopped.
 */
export async function stopKafka({ log = console.log, signal = 'SIGTERM' } = {}) {
  const pid = ourBrokerPid();
  if (!pid) {
    log('kafka: no broker started from this checkout is running');
    return false;
  }
  log(`kafka: stopping broker (pid ${pid})`);
  process.kill(pid, signal);
  if (!(await waitForExit(pid, STOP_GRACE_MS))) {
    log(`kafka: broker still alive after ${STOP_GRACE_MS / 1000}s, sending SIGKILL`);
    process.kill(pid, 'SIGKILL');
    await waitForExit(pid, 10_000);
  }
  fs.rmSync(PID_FILE, { force: true });
  startedHere = false;
  return true;
}

/** Stops and starts the local broker; `signal: 'SIGKILL'` simulates a crash. */
export async function restartKafka({ log = console.log, signal = 'SIGTERM' } = {}) {
  await stopKafka({ log, signal });
  return ensureKafka({ log });
}

// ---------------------------------------------------------------------------------------------
// Resolving and starting

function requireJava() {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error) {
    throw new Error(
      `Kafka needs Java 17+, but 'java' is not on PATH. Install it: ${INSTALL_HINT} ` +
        '(or set KAFKA_BROKERS to use an existing cluster).',
    );
  }
  const major = Number(/version "(\d+)/.exec(probe.stderr)?.[1] ?? 0);
  if (major && major < 17) {
    throw new Error(`Kafka 4 needs Java 17+, found Java ${major}. Install: ${INSTALL_HINT}`);
  }
  return 'java';
}

function requireMaven() {
  if (spawnSync('mvn', ['-v'], { encoding: 'utf8' }).error) {
    throw new Error(
      `Resolving the Kafka jars needs Maven, but 'mvn' is not on PATH. Install it: ${INSTALL_HINT}`,
    );
  }
}

/**
 * Copies the broker's runtime classpath into .cache/kafka/<version>/libs with Maven, unless a
 * marker says it was already done for this exact pom.xml (so edits to the POM re-resolve).
 */
async function resolveJars(version, log) {
  const libs = path.join(CACHE_DIR, version, 'libs');
  const marker = path.join(libs, '.lumen-resolved.json');
  const pomHash = createHash('sha256').update(fs.readFileSync(POM)).digest('hex');
  if (readJson(marker)?.pomHash === pomHash) return libs;

  requireMaven();
  log(`kafka: resolving Kafka ${version} jars from Maven Central (first run: ~45 MB)`);
  // Start clean so a changed POM cannot leave stale jars on the classpath.
  fs.rmSync(libs, { recursive: true, force: true });
  const mvn = await run(
    'mvn',
    ['-B', '-q', '-Dstyle.color=never', '-f', POM, `-Dkafka.version=${version}`, 'package'],
    { cwd: ROOT },
  );
  if (mvn.code !== 0) {
    throw new Error(`Maven could not resolve Kafka ${version}:\n${tail(mvn.output, 30)}`);
  }
  const jars = fs.readdirSync(libs).filter((f) => f.endsWith('.jar'));
  for (const needed of [`kafka_2.13-${version}.jar`, 'log4j-core-', 'log4j-slf4j-impl-']) {
    if (!jars.some((j) => j.startsWith(needed))) {
      throw new Error(`Maven finished but ${needed}* is missing from ${rel(libs)}`);
    }
  }
  fs.writeFileSync(marker, JSON.stringify({ version, pomHash, jars }, null, 2));
  return libs;
}

function renderServerProperties() {
  fs.mkdirSync(DATA_DIR, { recursive: true });
  const template = fs.readFileSync(path.join(DEPLOY_DIR, 'server.properties'), 'utf8');
  fs.writeFileSync(PROPS_FILE, template.replaceAll('${KAFKA_DATA_DIR}', DATA_DIR));
}

/** KRaft storage must be formatted once; meta.properties marks a formatted data dir. */
function formatStorage(java, libs, log) {
  if (fs.existsSync(path.join(DATA_DIR, 'meta.properties'))) return;
  log('kafka: formatting KRaft storage');
  const format = spawnSync(
    java,
    [
      ...classpathArgs(libs),
      'kafka.tools.StorageTool',
      'format',
      '-c',
      PROPS_FILE,
      '-t',
      CLUSTER_ID,
      '--ignore-formatted',
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (format.status !== 0) {
    throw new Error(`kafka storage format failed:\n${tail(format.stdout + format.stderr, 30)}`);
  }
}

function startBroker(java, libs) {
  if (fs.existsSync(LOG_FILE)) fs.renameSync(LOG_FILE, PREV_LOG_FILE);
  const out = fs.openSync(LOG_FILE, 'a');
  // Detached: the broker outlives this command (a second `npm test` reuses it) and does not
  // receive the Ctrl-C meant for the foreground command.
  const child = spawn(java, [...JVM_OPTS, ...classpathArgs(libs), 'kafka.Kafka', PROPS_FILE], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  fs.writeFileSync(PID_FILE, `${child.pid}\n`);
  const state = { pid: child.pid, logOffset: 0, exitCode: undefined };
  child.on('exit', (code, signal) => (state.exitCode = code ?? signal));
  child.unref();
  return state;
}

function classpathArgs(libs) {
  // Java expands the trailing '*' itself; no shell involved.
  return [
    '-cp',
    path.join(libs, '*'),
    `-Dlog4j2.configurationFile=${path.join(DEPLOY_DIR, 'log4j2.properties')}`,
  ];
}

// ---------------------------------------------------------------------------------------------
// Readiness

/** Ready = the log says "Kafka Server started" AND the client port accepts connections. */
async function waitUntilReady(broker) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let sawReadyLine = false;
  let offset = broker.logOffset;
  for (;;) {
    if (!sawReadyLine) {
      const chunk = readFrom(LOG_FILE, Math.max(0, offset - READY_LINE.length));
      sawReadyLine = chunk.text.includes(READY_LINE);
      offset = chunk.end;
    }
    if (sawReadyLine && (await canConnect(HOST, PORT))) return;

    const exited = broker.exitCode !== undefined || !isAlive(broker.pid);
    if (exited || Date.now() > deadline) {
      if (exited) await sleep(200); // let the 'exit' event deliver the status
      const why = exited
        ? `exited (${broker.exitCode ?? 'status unknown'})`
        : `not ready after ${START_TIMEOUT_MS / 1000}s`;
      if (!exited) await stopKafka({ log: () => undefined, signal: 'SIGKILL' });
      fs.rmSync(PID_FILE, { force: true });
      throw new Error(`Kafka broker ${why}.\n${describeLog()}`);
    }
    await sleep(250);
  }
}

/** The first ERROR lines (usually the cause) and the tail of the broker log. */
function describeLog() {
  const text = readFrom(LOG_FILE, 0).text;
  const errors = text.split('\n').filter((line) => / (ERROR|FATAL) /.test(line));
  const firstErrors = errors.length ? `First errors:\n${errors.slice(0, 3).join('\n')}\n` : '';
  return `${firstErrors}Last lines of ${rel(LOG_FILE)}:\n${tail(text, 30)}`;
}

/**
 * Checks the cluster answers a metadata request. kafkajs retries while a just-started broker
 * is still coming up.
 */
async function waitForCluster(brokers, timeoutMs) {
  const admin = newClient(brokers, timeoutMs).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
  } catch (error) {
    throw new Error(`Kafka at ${brokers} does not answer: ${error.message}`, { cause: error });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Right after every broker start two things answer "coordinator is loading" for a moment: the
 * group coordinator (until __consumer_offsets is loaded), which makes kafkajs crash and restart
 * a joining consumer, and the producer-id manager (until the controller hands it a block of
 * ids), which delays an idempotent producer's connect. Touch both here, retrying until they
 * answer, so the first test or service after a start does not see that noise.
 */
async function warmUp(brokers) {
  const kafka = newClient(brokers, 30_000);
  const admin = kafka.admin();
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: kafkajs.Partitioners.DefaultPartitioner,
  });
  try {
    await admin.connect();
    await retryFor(30_000, 'Kafka group coordinator', () =>
      admin.describeGroups(['lumen-warm-up']),
    );
    await retryFor(30_000, 'Kafka producer ids', () => producer.connect());
  } finally {
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

async function retryFor(timeoutMs, what, attempt) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${what}: ${error.message}`, { cause: error });
      await sleep(200);
    }
  }
}

function newClient(brokers, timeoutMs) {
  return new kafkajs.Kafka({
    clientId: 'lumen-infra',
    brokers: brokers.split(',').map((b) => b.trim()),
    logLevel: kafkajs.logLevel.NOTHING, // we report failures ourselves, once
    connectionTimeout: 3_000,
    retry: { maxRetryTime: 2_000, retries: Math.max(1, Math.ceil(timeoutMs / 2_000)) },
  });
}

function canConnect(host, port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

// ---------------------------------------------------------------------------------------------
// Process helpers

/** The pid in the pidfile if that process is alive and really our Kafka broker. */
function ourBrokerPid() {
  const pid = Number.parseInt(readText(PID_FILE) ?? '', 10);
  if (!pid || !isAlive(pid)) {
    fs.rmSync(PID_FILE, { force: true });
    return undefined;
  }
  // Guard against a recycled pid: on Linux, check it is a java running kafka.Kafka.
  const cmdline = readText(`/proc/${pid}/cmdline`);
  if (cmdline !== undefined && !cmdline.includes('kafka.Kafka')) {
    fs.rmSync(PID_FILE, { force: true });
    return undefined;
  }
  return pid;
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // An exited child of this very process stays a zombie until reaped; treat it as dead.
  const stat = readText(`/proc/${pid}/stat`);
  return !stat || !/^\d+ \(.*\) Z/.test(stat);
}

async function waitForExit(pid, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(200);
  }
  return !isAlive(pid);
}

/** Runs a command, collecting stdout+stderr for error messages. */
function run(command, args, options) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (error) => resolve({ code: -1, output: `${output}${error.message}` }));
    child.on('close', (code) => resolve({ code, output }));
  });
}

// ---------------------------------------------------------------------------------------------
// Small file helpers

function readFrom(file, start) {
  let fd;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return { text: '', end: start };
  }
  try {
    const size = fs.fstatSync(fd).size;
    const buffer = Buffer.alloc(Math.max(0, size - start));
    fs.readSync(fd, buffer, 0, buffer.length, start);
    return { text: buffer.toString('utf8'), end: size };
  } finally {
    fs.closeSync(fd);
  }
}

function readText(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function tail(text, lines) {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

function rel(file) {
  return path.relative(process.cwd(), file) || file;
}
