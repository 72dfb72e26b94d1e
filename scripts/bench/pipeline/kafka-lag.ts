import type { Admin } from 'kafkajs';

/** Messages each consumer group has yet to process, summed over `topics` it has committed on. */
export async function consumerLag(
  admin: Admin,
  groupIds: readonly string[],
  topics: ReadonlySet<string>,
): Promise<Record<string, number>> {
  const lag: Record<string, number> = {};
  const ends = new Map<string, Map<number, { low: bigint; high: bigint }>>();
  const endOf = async (topic: string) => {
    let topicEnds = ends.get(topic);
    if (!topicEnds) {
      const offsets = await admin.fetchTopicOffsets(topic);
      topicEnds = new Map(
        offsets.map((o) => [o.partition, { low: BigInt(o.low), high: BigInt(o.high) }]),
      );
      ends.set(topic, topicEnds);
    }
    return topicEnds;
  };
  for (const groupId of groupIds) {
    let total = 0n;
    for (const { topic, partitions } of await admin.fetchOffsets({ groupId })) {
      // Other checkouts of the project share the broker and the group names: only the topics
      // this one's services consume count.
      if (!topics.has(topic)) continue;
      const topicEnds = await endOf(topic);
      for (const { partition, offset } of partitions) {
        const { low, high } = topicEnds.get(partition) ?? { low: 0n, high: 0n };
        // -1: nothing committed yet on that partition; the group starts from the end there.
        if (offset === '-1') continue;
        // Records before the log's start were deleted (the fuzz tier removes what it planted):
        // a group committed below it has nothing there left to read.
        const next = BigInt(offset) > low ? BigInt(offset) : low;
        if (high > next) total += high - next;
      }
    }
    lag[groupId] = Number(total);
  }
  return lag;
}

/** The sum of end offsets over `topics`: its change over a phase is the messages written. */
export async function messagesWritten(admin: Admin, topics: readonly string[]): Promise<number> {
  let total = 0n;
  for (const topic of topics) {
    for (const { high } of await admin.fetchTopicOffsets(topic)) total += BigInt(high);
  }
  return Number(total);
}
