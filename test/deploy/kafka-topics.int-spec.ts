import Ajv from 'ajv';
import { LUMEN_TOPICS, deadLetterTopicOf, topicSpecsOf } from '#lumen/contracts';
import {
  DEFAULT_CLUSTER_TOPIC_SETTINGS,
  renderTopicsManifest,
  TOPICS_MANIFEST,
} from '../../scripts/deploy/render-topics';
import { readManifests, readText, readYaml } from './support/deploy-files';

/**
 * The cluster's topics are declared from the code catalogue: the committed Strimzi manifests
 * must be exactly what scripts/deploy/render-topics.ts renders from LUMEN_TOPICS today.
 */
describe('Kafka topics for a cluster (Strimzi KafkaTopic)', () => {
  const topics = readManifests(TOPICS_MANIFEST);

  it('the committed manifests are the ones rendered from the catalogue', () => {
    // Stale? `npm run build && node dist/scripts/deploy/render-topics.js`
    expect(readText(TOPICS_MANIFEST)).toBe(renderTopicsManifest());
  });

  it('declares every catalogue topic and its dead-letter twin, nothing else', () => {
    const names = topics.map((t) => t.metadata.name).sort();
    const expected = Object.keys(LUMEN_TOPICS).flatMap((name) => [name, deadLetterTopicOf(name)]);
    expect(names).toEqual(expected.sort());
  });

  it('keeps partitions, retention and cleanup policy from the catalogue, with a replicated quorum', () => {
    const byName = new Map(topics.map((t) => [t.metadata.name, t.spec as Record<string, unknown>]));
    for (const spec of topicSpecsOf(LUMEN_TOPICS)) {
      const declared = byName.get(spec.name) as {
        partitions: number;
        replicas: number;
        config: Record<string, string>;
      };
      expect({ name: spec.name, partitions: declared.partitions }).toEqual({
        name: spec.name,
        partitions: spec.partitions,
      });
      expect(declared.config['retention.ms']).toBe(spec.config['retention.ms']);
      expect(declared.config['cleanup.policy']).toBe(spec.config['cleanup.policy']);
      expect(declared.replicas).toBe(DEFAULT_CLUSTER_TOPIC_SETTINGS.replicas);
      // Fewer in-sync replicas than replicas: one broker may be down without refusing writes.
      expect(Number(declared.config['min.insync.replicas'])).toBe(declared.replicas - 1);
    }
  });

  it('every topic is valid against the KafkaTopic schema, and the schema refuses a bad one', () => {
    const schema = readYaml('deploy/schemas/strimzi-kafkatopic-v1beta2.schema.json') as object;
    const validate = new Ajv({ allErrors: true }).compile(schema);
    for (const topic of topics) {
      const valid = validate(topic);
      expect({ topic: topic.metadata.name, errors: validate.errors ?? [] }).toEqual({
        topic: topic.metadata.name,
        errors: [],
      });
      expect(valid).toBe(true);
    }
    const zeroPartitions = structuredClone(topics[0]!) as unknown as {
      spec: { partitions: number };
    };
    zeroPartitions.spec.partitions = 0;
    expect(validate(zeroPartitions)).toBe(false);
    const unknownPolicy = structuredClone(topics[0]!) as unknown as { spec: { config: object } };
    unknownPolicy.spec.config = { ...unknownPolicy.spec.config, 'cleanup.policy': 'forever' };
    expect(validate(unknownPolicy)).toBe(false);
  });

  it('belongs to the Strimzi cluster named in the kustomization', () => {
    const kustomization = readYaml('deploy/k8s/topics/kustomization.yaml') as {
      resources: string[];
    };
    expect(kustomization.resources).toEqual(['kafka-topics.yaml']);
    for (const topic of topics) {
      expect(topic.metadata.labels?.['strimzi.io/cluster']).toBe(
        DEFAULT_CLUSTER_TOPIC_SETTINGS.cluster,
      );
    }
  });
});
