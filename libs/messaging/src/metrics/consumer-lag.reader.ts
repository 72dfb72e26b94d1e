import { Kafka, logLevel, type Admin } from 'kafkajs';

export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  readonly lag: number;
}

/**
 * Reads a consumer group's lag from the broker (committed offsets against each partition's end),
 * the same figure `kafka-consumer-groups --describe` prints. It uses its own admin client so the
 * service's producer and consumer are never blocked behind it.
 */
export class ConsumerLagReader {
  private readonly kafka: Kafka;
  private admin: Admin | undefined;

  constructor(brokers: readonly string[]) {
    this.kafka = new Kafka({
      clientId: 'lumen-lag-reader',
      brokers: [...brokers],
      retry: { retries: 1 },
      logLevel: logLevel.NOTHING,
    });
  }

  async read(groupId: string, topics: readonly string[]): Promise<PartitionLag[]> {
    if (topics.length === 0) return [];
    const admin = await this.connected();
    const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
    const lags: PartitionLag[] = [];
    for (const { topic, partitions } of committed) {
      const ends = new Map(
        (await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p] as const),
      );
      for (const { partition, offset } of partitions) {
        const end = ends.get(partition);
        if (end === undefined) continue;
        const high = Number(end.high);
        // No commit yet: the group will start from the earliest retained message.
        const position = Number(offset) < 0 ? Number(end.low) : Number(offset);
        lags.push({ topic, partition, lag: Math.max(0, high - position) });
      }
    }
    return lags;
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect().catch(() => undefined);
  }

  private async connected(): Promise<Admin> {
    if (this.admin) return this.admin;
    const admin = this.kafka.admin();
    await admin.connect();
    this.admin = admin;
    return admin;
  }
}
