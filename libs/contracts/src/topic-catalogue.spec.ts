import { deadLetterTopicOf, defineTopic, LUMEN_TOPICS, topicSpecsOf } from '#lumen/contracts';
import { z } from 'zod';

describe('topic catalogue', () => {
  it('keys every definition by its own name', () => {
    for (const [name, topic] of Object.entries(LUMEN_TOPICS)) expect(topic.name).toBe(name);
  });

  it('gives every topic a dead-letter twin with bounded retention', () => {
    const specs = topicSpecsOf(LUMEN_TOPICS);
    for (const name of Object.keys(LUMEN_TOPICS)) {
      const dlq = specs.find((spec) => spec.name === deadLetterTopicOf(name));
      expect(dlq?.config['retention.ms']).toBe(String(30 * 24 * 3600 * 1000));
    }
  });

  it('refuses a topic name that does not read <producer>.<aggregate>.<event>.v<N>', () => {
    const base = {
      owner: 'checkout',
      partitions: 1,
      retentionMs: 1,
      cleanupPolicy: 'delete' as const,
      schema: z.object({}),
      description: 'x',
    };
    expect(() => defineTopic({ ...base, name: 'orders' })).toThrow(/must read/);
    expect(defineTopic({ ...base, name: 'checkout.order.placed.v1' }).name).toBe(
      'checkout.order.placed.v1',
    );
  });
});
