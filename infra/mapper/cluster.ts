import type { StackConfig } from "../config";
import type { ExistingClusterArgs } from "../cluster/existing-cluster";
import type { GpuClusterArgs } from "../cluster/gpu-cluster";
import type { BenchImageArgs } from "../images/bench-image";

/** The ReadWriteMany (EFS) StorageClass the eks mode builds when something shares a volume. */
export const SHARED_STORAGE_CLASS = "efs";

/**
 * The RWX class a shared volume uses, or undefined when nothing shares one: the user's class if
 * named, else ours on eks (config-combinations.ts refuses `shared` without one elsewhere).
 */
export function sharedClassFor(cfg: StackConfig, userClass: string | undefined): string | undefined {
  return userClass ?? (cfg.cluster.mode === "eks" ? SHARED_STORAGE_CLASS : undefined);
}

/** The model cache's class when it is shared, else undefined. */
export function sharedModelCacheClass(cfg: StackConfig): string | undefined {
  const c = cfg.serving.modelCache;
  return c.type === "shared" ? sharedClassFor(cfg, c.storageClassName) : undefined;
}

/** The sharded benchmark's results class, else undefined. */
export function sharedResultsClass(cfg: StackConfig): string | undefined {
  const b = cfg.benchmark;
  return b.enabled && b.shards > 1 ? sharedClassFor(cfg, b.sharedResultsStorageClass) : undefined;
}

/** EFS is built only when something on this eks cluster uses our class (not a class the user named). */
function ourSharedClassUsed(cfg: StackConfig): string | undefined {
  const cache = sharedModelCacheClass(cfg) !== undefined && !cfg.serving.modelCache.storageClassName;
  const results = sharedResultsClass(cfg) !== undefined && !cfg.benchmark.sharedResultsStorageClass;
  return cfg.cluster.mode === "eks" && (cache || results) ? SHARED_STORAGE_CLASS : undefined;
}

export function gpuClusterArgs(cfg: StackConfig): GpuClusterArgs {
  const { cluster: c, network: n, systemNodes: s, gpuNodes: g } = cfg;
  const size = (x: { minSize: number; desiredSize: number; maxSize: number }) => ({
    minSize: x.minSize,
    desiredSize: x.desiredSize,
    maxSize: x.maxSize,
  });
  return {
    clusterName: c.name,
    kubernetesVersion: c.kubernetesVersion,
    network: { vpcCidr: n.vpcCidr, azCount: n.azCount, natGateways: n.natGateways },
    endpoint: {
      privateAccess: c.endpointPrivateAccess,
      publicAccess: c.endpointPublicAccess,
      publicAccessCidrs: c.publicAccessCidrs,
    },
    adminRoleArns: c.adminRoleArns,
    logRetentionDays: c.logRetentionDays,
    systemNodes: { instanceTypes: s.instanceTypes, diskSizeGiB: s.diskSizeGiB, ...size(s) },
    gpuNodes: {
      amiType: g.amiType,
      instanceTypes: g.instanceTypes,
      capacityType: g.capacityType,
      diskSizeGiB: g.diskSizeGiB,
      gpusPerNode: g.gpusPerNode,
      ...size(g),
    },
    sharedStorageClass: ourSharedClassUsed(cfg),
  };
}

export function existingClusterArgs(cfg: StackConfig): ExistingClusterArgs {
  return { kubeconfigPath: cfg.cluster.kubeconfigPath, context: cfg.cluster.kubeconfigContext };
}

export function benchImageArgs(cfg: StackConfig, repoRoot: string): BenchImageArgs {
  return { clusterName: cfg.cluster.name, repoRoot };
}
