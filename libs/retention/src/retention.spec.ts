import { join } from 'node:path';
import { LUMEN_TOPICS, topicSpecsOf } from '#lumen/contracts';
import {
  cutoffBefore,
  fixedPeriodMs,
  loadRetentionSchedule,
  parseRetentionSchedule,
  RetentionJob,
  RetentionScheduleError,
  ruleOf,
  type RetentionSchedule,
  type RetentionTask,
} from './index';

const SCHEDULE_PATH = join(__dirname, '..', '..', '..', 'deploy', 'retention-schedule.json');
const quiet = { info: () => undefined, error: () => undefined };

function schedule(rules: Partial<RetentionSchedule['rules'][number]>[]): RetentionSchedule {
  return parseRetentionSchedule({
    version: 1,
    rules: rules.map((rule, index) => ({
      category: `category-${index}`,
      description: 'd',
      services: ['checkout'],
      period: 'P1D',
      trigger: 'created',
      action: 'delete',
      basis: 'b',
      ...rule,
    })),
  });
}

describe('retention periods', () => {
  const now = new Date('2026-03-31T12:00:00.000Z');

  it('subtracts fixed units exactly and days given as a number', () => {
    expect(cutoffBefore(now, 'PT1H').toISOString()).toBe('2026-03-31T11:00:00.000Z');
    expect(cutoffBefore(now, 'P1W').toISOString()).toBe('2026-03-24T12:00:00.000Z');
    expect(cutoffBefore(now, 30).toISOString()).toBe('2026-03-01T12:00:00.000Z');
    expect(cutoffBefore(now, 'P1DT2H30M').toISOString()).toBe('2026-03-30T09:30:00.000Z');
  });

  it('subtracts months and years on the calendar, clamping to the month end', () => {
    expect(cutoffBefore(now, 'P1M').toISOString()).toBe('2026-02-28T12:00:00.000Z');
    expect(cutoffBefore(new Date('2028-02-29T00:00:00Z'), 'P6Y').toISOString()).toBe(
      '2022-02-28T00:00:00.000Z',
    );
  });

  it('refuses what is not a positive period', () => {
    for (const bad of ['', 'P', 'PT', 'P0D', '30', 'P1.5D', '1 day', 0, -3, 2.5]) {
      expect(() => cutoffBefore(now, bad)).toThrow('Not a retention period');
    }
  });

  it('gives a fixed period in milliseconds, and none for calendar units', () => {
    expect(fixedPeriodMs('P8D')).toBe(8 * 86_400_000);
    expect(fixedPeriodMs(2)).toBe(2 * 86_400_000);
    expect(fixedPeriodMs('P6Y')).toBeUndefined();
  });
});

describe('the retention schedule', () => {
  it('refuses a bad rule, naming the field and where it is', () => {
    expect(() => schedule([{ period: 'one week' }])).toThrow(
      /rules\.0\.period: expected an ISO-8601 duration/,
    );
    expect(() =>
      parseRetentionSchedule({ version: 1, rules: [{ category: 'x', trigger: 'never' }] }),
    ).toThrow(RetentionScheduleError);
    expect(() => schedule([{ category: 'same' }, { category: 'same' }])).toThrow(
      /category same appears twice/,
    );
  });

  it('refuses a missing or unparsable file with its path', () => {
    expect(() => loadRetentionSchedule('/nonexistent/schedule.json')).toThrow(
      /Cannot read the retention schedule at \/nonexistent\/schedule.json/,
    );
    expect(() => loadRetentionSchedule(__filename)).toThrow(/is not JSON/);
  });

  describe('deploy/retention-schedule.json', () => {
    const deployed = loadRetentionSchedule(SCHEDULE_PATH);
    const specs = topicSpecsOf(LUMEN_TOPICS);
    const retentionOf = (name: string) =>
      Number(specs.find((s) => s.name === name)?.config['retention.ms']);

    it('keeps inbox rows longer than any topic keeps an event, so a replay applies nothing twice', () => {
      const inboxMs = fixedPeriodMs(ruleOf(deployed, 'inbox-processed').period);
      const longest = Math.max(
        ...specs.filter((s) => !s.name.endsWith('.dlq')).map((s) => retentionOf(s.name)),
      );
      expect(inboxMs).toBeGreaterThan(longest);
    });

    it('states the retention Kafka applies to the event log and the dead-letter topics', () => {
      const eventLogMs = fixedPeriodMs(ruleOf(deployed, 'event-log').period);
      const deadLetterMs = fixedPeriodMs(ruleOf(deployed, 'dead-letters').period);
      for (const spec of specs) {
        const expected = spec.name.endsWith('.dlq') ? deadLetterMs : eventLogMs;
        expect({ topic: spec.name, ms: retentionOf(spec.name) }).toEqual({
          topic: spec.name,
          ms: expected,
        });
      }
    });
  });
});

describe('RetentionJob', () => {
  const twoRules = schedule([
    { category: 'short', period: 'P1D' },
    { category: 'long', period: 'P30D', action: 'mask' },
    { category: 'elsewhere', services: ['payment'] },
    { category: 'by-kafka', enforcedBy: 'kafka-topic-retention' },
  ]);

  function recordingTask(category: string, calls: Date[][], count = 1): RetentionTask {
    return {
      category,
      apply: (cutoff, now) => {
        calls.push([cutoff, now]);
        return Promise.resolve(count);
      },
    };
  }

  it('applies each of the service’s rules with its cutoff as of the clock it is given', async () => {
    const short: Date[][] = [];
    const long: Date[][] = [];
    const job = new RetentionJob({
      service: 'checkout',
      schedule: twoRules,
      tasks: [recordingTask('short', short, 3), recordingTask('long', long, 0)],
      logger: quiet,
    });
    const now = new Date('2026-06-15T00:00:00Z');
    const report = await job.runOnce(now);
    expect(short).toEqual([[new Date('2026-06-14T00:00:00Z'), now]]);
    expect(long).toEqual([[new Date('2026-05-16T00:00:00Z'), now]]);
    expect(report.results).toEqual([
      {
        category: 'short',
        action: 'delete',
        cutoff: '2026-06-14T00:00:00.000Z',
        outcome: 'applied',
        count: 3,
      },
      {
        category: 'long',
        action: 'mask',
        cutoff: '2026-05-16T00:00:00.000Z',
        outcome: 'applied',
        count: 0,
      },
    ]);
  });

  it('refuses to start when a rule naming the service has no task, or a task has no rule', () => {
    expect(
      () =>
        new RetentionJob({
          service: 'checkout',
          schedule: twoRules,
          tasks: [recordingTask('short', [])],
          logger: quiet,
        }),
    ).toThrow('names checkout for long, which it does not apply');
    expect(
      () =>
        new RetentionJob({
          service: 'checkout',
          schedule: twoRules,
          tasks: [
            recordingTask('short', []),
            recordingTask('long', []),
            recordingTask('elsewhere', []),
          ],
          logger: quiet,
        }),
    ).toThrow('no rule of that category naming checkout');
  });

  it('runs the other tasks when one fails, and reports the failure', async () => {
    const long: Date[][] = [];
    const job = new RetentionJob({
      service: 'checkout',
      schedule: twoRules,
      tasks: [
        { category: 'short', apply: () => Promise.reject(new Error('database gone')) },
        recordingTask('long', long, 2),
      ],
      logger: quiet,
    });
    const report = await job.runOnce(new Date('2026-06-15T00:00:00Z'));
    expect(report.results.map((r) => [r.category, r.outcome, r.count, r.error])).toEqual([
      ['short', 'failed', 0, 'Error: database gone'],
      ['long', 'applied', 2, undefined],
    ]);
    expect(long).toHaveLength(1);
  });

  it('runs daily on its own clock once started, and stops', async () => {
    jest.useFakeTimers();
    try {
      const runs: Date[][] = [];
      let now = new Date('2026-06-15T03:00:00Z');
      const job = new RetentionJob({
        service: 'checkout',
        schedule: schedule([{ category: 'short' }]),
        tasks: [recordingTask('short', runs)],
        logger: quiet,
        clock: () => now,
        initialDelayMs: 1_000,
      });
      job.start();
      await jest.advanceTimersByTimeAsync(999);
      expect(runs).toHaveLength(0);
      await jest.advanceTimersByTimeAsync(1);
      expect(runs.map(([, at]) => at)).toEqual([new Date('2026-06-15T03:00:00Z')]);
      now = new Date('2026-06-16T03:00:01Z');
      await jest.advanceTimersByTimeAsync(86_400_000);
      expect(runs.map(([, at]) => at?.toISOString())).toEqual([
        '2026-06-15T03:00:00.000Z',
        '2026-06-16T03:00:01.000Z',
      ]);
      await job.stop();
      await jest.advanceTimersByTimeAsync(3 * 86_400_000);
      expect(runs).toHaveLength(2);
    } finally {
      jest.useRealTimers();
    }
  });
});
