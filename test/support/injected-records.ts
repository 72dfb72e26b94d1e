import { Kafka, logLevel } from 'kafkajs';
import { deadLetterTopicOf } from '#lumen/contracts';

/**
 * Topics a spec wrote to straight onto the broker, bypassing every service: the fuzz tier's
 * hostile messages (card numbers hidden in text, half-megabyte values, forged signatures).
 * They are test input, not something Lumen wrote, yet they would sit on the shared topics (and,
 * dead-lettered, on their dead-letter topics) for the rest of the run, where the leak sweep
 * reads every record from the start of each log and would report them as leaks. The spec that
 * planted them removes them when it ends (`test/support/discard-injected-records.ts`), so the
 * sweep keeps reading everything with no exemption of its own.
 */
const injected = new Map<string, Set<string>>();

export function recordInjection(brokers: string, topic: string): void {
  const topics = injected.get(brokers) ?? new Set<string>();
  topics.add(topic);
  injected.set(brokers, topics);
}

/**
 * Deletes every record up to the current end of each injected topic and of its dead-letter
 * topic (the consumers under test have dead-lettered every case before the spec ends). Records
 * other specs wrote earlier to the same topics go too; nothing reads them after their spec.
 */
export async function discardInjectedRecords(): Promise<void> {
  for (const [brokers, topics] of injected) {
    const kafka = new Kafka({
      clientId: 'lumen-test-cleanup',
      brokers: brokers.split(','),
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      for (const topic of [...topics].flatMap((t) => [t, deadLetterTopicOf(t)])) {
        if (!existing.has(topic)) continue;
        const partitions = (await admin.fetchTopicOffsets(topic))
          .filter(({ low, high }) => Number(high) > Number(low))
          .map(({ partition, high }) => ({ partition, offset: high }));
        if (partitions.length > 0) await admin.deleteTopicRecords({ topic, partitions });
      }
    } finally {
      await admin.disconnect();
    }
  }
  injected.clear();
}
