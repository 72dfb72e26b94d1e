import { checkReadiness, ReadinessProbe, type DependencyCheck } from './dependency-check';

const answering = (name: string): DependencyCheck => ({ name, check: () => Promise.resolve() });
const failing = (name: string, message: string): DependencyCheck => ({
  name,
  check: () => Promise.reject(new Error(message)),
});
const hanging = (name: string): DependencyCheck => ({
  name,
  check: () => new Promise<void>(() => undefined),
});

describe('checkReadiness', () => {
  it('is ready when every dependency answers', async () => {
    const readiness = await checkReadiness([answering('postgres'), answering('kafka')], 500);
    expect(readiness.ready).toBe(true);
    expect(readiness.dependencies.map((d) => [d.name, d.ok])).toEqual([
      ['postgres', true],
      ['kafka', true],
    ]);
  });

  it('names the dependency that failed, and why', async () => {
    const readiness = await checkReadiness(
      [answering('postgres'), failing('redis', 'connect ECONNREFUSED 127.0.0.1:1')],
      500,
    );
    expect(readiness.ready).toBe(false);
    expect(readiness.dependencies[1]).toMatchObject({
      name: 'redis',
      ok: false,
      error: 'Error: connect ECONNREFUSED 127.0.0.1:1',
    });
  });

  it('gives up on a dependency that does not answer in time', async () => {
    const started = Date.now();
    const readiness = await checkReadiness([hanging('kafka')], 100);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(readiness.dependencies[0]).toMatchObject({
      name: 'kafka',
      ok: false,
      error: 'Error: no answer within 100 ms',
    });
  });

  it('never repeats a password a client put in its error', async () => {
    const readiness = await checkReadiness(
      [failing('postgres', 'cannot reach postgres://lumen:s3cret@db:5432/lumen')],
      500,
    );
    expect(readiness.dependencies[0]?.error).toBe(
      'Error: cannot reach postgres://***@db:5432/lumen',
    );
  });
});

describe('ReadinessProbe', () => {
  const counting = () => {
    const calls = { count: 0 };
    const check: DependencyCheck = {
      name: 'postgres',
      check: () => {
        calls.count += 1;
        return new Promise((resolve) => setTimeout(resolve, 10));
      },
    };
    return { calls, check };
  };

  it('runs one round of checks for concurrent probes', async () => {
    const { calls, check } = counting();
    const probe = new ReadinessProbe([check], 500, 1_000);
    const answers = await Promise.all(Array.from({ length: 50 }, () => probe.read()));
    expect(calls.count).toBe(1);
    expect(answers.every((answer) => answer.ready)).toBe(true);
  });

  it('reuses an answer while it is fresh, and checks again once it is not', async () => {
    const { calls, check } = counting();
    let now = 0;
    const probe = new ReadinessProbe([check], 500, 1_000, () => now);
    await probe.read();
    now = 999;
    await probe.read();
    expect(calls.count).toBe(1);
    now = 1_000;
    await probe.read();
    expect(calls.count).toBe(2);
  });
});
