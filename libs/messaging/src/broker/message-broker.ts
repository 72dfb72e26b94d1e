/**
 * The broker as this library sees it. kafkajs sits behind this interface
 * (`KafkaJsBroker`), so the client can be replaced without touching the outbox, the
 * consumers or any service.
 */
export interface OutgoingMessage {
  readonly topic: string;
  readonly key: string;
  readonly value: Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

export interface IncomingMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string>>;
}

export interface BatchControl {
  /** Marks `message` done; its offset is committed with the next `commit()`. */
  resolve(message: IncomingMessage): void;
  /** Commits the resolved offsets of this batch to the broker. */
  commit(): Promise<void>;
  /** Tells the group this member is alive (the broker also does so while a batch is worked on). */
  heartbeat(): Promise<void>;
  /**
   * False once the consumer is stopping, the partition was revoked in a rebalance, or a
   * heartbeat failed (a rebalance began, or the member was evicted): the rest of the batch is
   * left to the partition's next owner.
   */
  isActive(): boolean;
}

export interface ConsumerOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  /** How many partitions are worked on at once; order within a partition is always kept. */
  readonly concurrency: number;
  /** How long the group waits for a silent member before handing its partitions on. */
  readonly sessionTimeoutMs: number;
  readonly eachBatch: (
    messages: readonly IncomingMessage[],
    control: BatchControl,
  ) => Promise<void>;
  /** Called when the client gives up for good; the default handler exits the process. */
  readonly onFatal: (error: Error) => void;
}

export interface BrokerConsumer {
  /** Connects, subscribes and joins the group; resolves once it has joined (or crashed trying). */
  start(): Promise<void>;
  /**
   * True from joining the group until a crash or `stop()`; a rebalance keeps the member. After
   * a crash the client restarts and joins again by itself.
   */
  isMember(): boolean;
  /** Stops fetching, lets in-flight batches finish, and leaves the group. */
  stop(): Promise<void>;
}

export interface TopicSettings {
  readonly name: string;
  readonly partitions: number;
  readonly config: Readonly<Record<string, string>>;
}

export interface MessageBroker {
  /**
   * Creates missing topics and brings existing ones to the given settings (partitions are
   * only ever added). Topics are never auto-created by the broker.
   */
  ensureTopics(topics: readonly TopicSettings[]): Promise<{ created: string[] }>;
  /** Resolves once every message is durably written (acks from all in-sync replicas). */
  send(messages: readonly OutgoingMessage[]): Promise<void>;
  consumer(options: ConsumerOptions): BrokerConsumer;
  disconnect(): Promise<void>;
}
