// GPU facts per EC2 instance type. Cluster-autoscaler needs the GPU count of a node
// group while it has no node (scale from zero), and the node label
// `k8s.amazonaws.com/accelerator` tells it the node is a GPU node; both come from here.
export interface GpuInstanceInfo {
  gpus: number;
  accelerator: string;
}

const family = (accelerator: string, counts: Record<string, number>) =>
  Object.fromEntries(Object.entries(counts).map(([size, gpus]) => [size, { gpus, accelerator }]));

/** GPUs per size, the same in the g5, g6 and g6e families (AWS's accelerated-computing instance tables). */
const G_SIZES = {
  xlarge: 1,
  "2xlarge": 1,
  "4xlarge": 1,
  "8xlarge": 1,
  "16xlarge": 1,
  "12xlarge": 4,
  "24xlarge": 4,
  "48xlarge": 8,
};

const byFamily: Record<string, Record<string, GpuInstanceInfo>> = {
  g5: family("nvidia-a10g", G_SIZES),
  g6: family("nvidia-l4", G_SIZES),
  g6e: family("nvidia-l40s", G_SIZES),
  p4d: family("nvidia-a100", { "24xlarge": 8 }),
  p4de: family("nvidia-a100", { "24xlarge": 8 }),
  p5: family("nvidia-h100", { "48xlarge": 8 }),
  p5e: family("nvidia-h200", { "48xlarge": 8 }),
};

/** GPU facts for an instance type such as `g6.xlarge`, or undefined when we do not know it. */
export function gpuInstanceInfo(instanceType: string): GpuInstanceInfo | undefined {
  const [fam, size] = instanceType.split(".");
  return byFamily[fam ?? ""]?.[size ?? ""];
}
