import { existsSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { readManifests, readYaml, ROOT, type Manifest } from './deploy-files';

/**
 * Renders a kustomization the way `kubectl kustomize` does, for the subset of Kustomize that
 * deploy/k8s uses: `resources` (files, or folders holding a kustomization) and `namespace`.
 * Kustomize is not installed on these machines; a kustomization using any other field fails
 * here rather than being rendered wrongly.
 */
const SUPPORTED = new Set(['apiVersion', 'kind', 'namespace', 'resources']);
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding']);

export function renderKustomization(dir: string): Manifest[] {
  const kustomization = readYaml(posix.join(dir, 'kustomization.yaml')) as Record<string, unknown>;
  const unsupported = Object.keys(kustomization).filter((key) => !SUPPORTED.has(key));
  if (unsupported.length > 0) {
    throw new Error(`${dir}/kustomization.yaml uses ${unsupported.join(', ')}: not rendered here`);
  }
  const resources = (kustomization.resources as string[] | undefined) ?? [];
  const manifests = resources.flatMap((resource) => {
    const path = posix.join(dir, resource);
    if (!existsSync(join(ROOT, path))) throw new Error(`${path} does not exist`);
    return statSync(join(ROOT, path)).isDirectory()
      ? renderKustomization(path)
      : readManifests(path);
  });
  const namespace = kustomization.namespace as string | undefined;
  return manifests.map((manifest) =>
    namespace === undefined || CLUSTER_SCOPED.has(manifest.kind)
      ? manifest
      : { ...manifest, metadata: { ...manifest.metadata, namespace } },
  );
}
