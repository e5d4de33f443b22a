import { INSTANCE_PRICES, PRICE_REGION, PRICES_AS_OF } from "./prices";

// From the rate one replica sustains to stack settings. The reasoning behind each number is in
// docs/serving.md ("Capacity planning"); in short:
// - HPA target = sustainable × headroom (default 0.6). The HPA only reacts after the per-pod rate
//   has risen above its target for a rate window plus a sync period and the scale-up
//   stabilisation (60 s by default here), a new vLLM pod needs minutes to pull and load its
//   model, and a GPU node started from zero adds several more. Until then the existing pods carry
//   the growth: a 0.6 target lets load grow by 1/0.6 − 1 ≈ 67 % before the pods reach the knee.
// - maxReplicas = ⌈peak ÷ target⌉: at the fleet's peak every pod runs at the target.
// - gpuNodes.maxSize = ⌈maxReplicas ÷ ⌊GPUs per node ÷ tensor-parallel size⌋⌉ (a pod never spans nodes).
// - VllmCapacityLow fires when the mean per-pod rate stays above its threshold for 30 minutes:
//   that only happens when the HPA cannot add pods (at maxReplicas, or no GPU node); the
//   threshold sits between the target and the knee (default 0.9 × sustainable).

export interface FleetInput {
  sustainableRps: number;
  peakRps: number;
  headroom: number;
  alertFraction: number;
  tensorParallelSize: number;
  instanceType: string;
  gpusPerNode?: number;
  pricePerHour?: number;
  /** Mean output tokens per request at the sustainable rate (for cost per token). */
  meanOutputTokens: number;
}

export interface Recommendation {
  /** Stack-config keys, as `pulumi config set --path` takes them. */
  config: {
    "autoscaling.targetRequestsPerSecond": number;
    "autoscaling.maxReplicas": number;
    "gpuNodes.maxSize": number;
    "gpuNodes.instanceTypes": string[];
    "gpuNodes.gpusPerNode": number;
    "model.tensorParallelSize": number;
    "monitoring.alerts.requestsPerSecondPerPod": number;
  };
  podsPerNode: number;
  price: { usdPerHour: number; source: string };
  costPerHourAtPeak: number;
  costPerMillionOutputTokens: number;
}

/** Two significant figures, rounded down: a target must not round up past what was measured. */
export function floor2(x: number): number {
  if (!(x > 0)) return 0;
  const e = 10 ** (Math.floor(Math.log10(x)) - 1);
  return Number((Math.floor(x / e + 1e-9) * e).toPrecision(12));
}

/**
 * Everything about the recommendation's inputs that does not need a measurement, checked before
 * the search spends GPU-minutes: the search's result could otherwise not be turned into settings.
 */
export function checkFleet(i: Omit<FleetInput, "sustainableRps" | "meanOutputTokens">): {
  gpusPerNode: number;
  usdPerHour: number;
  podsPerNode: number;
} {
  if (!(i.headroom > 0 && i.headroom < i.alertFraction && i.alertFraction <= 1))
    throw new Error(
      `--headroom: ${i.headroom} must be above 0 and below the alert fraction (${i.alertFraction}), which is at most 1`,
    );
  if (!Number.isInteger(i.tensorParallelSize) || i.tensorParallelSize < 1)
    throw new Error(`--tensor-parallel-size: ${i.tensorParallelSize} must be a whole number of GPUs ≥ 1`);
  if (i.gpusPerNode !== undefined && (!Number.isInteger(i.gpusPerNode) || i.gpusPerNode < 1))
    throw new Error(`--gpus-per-node: ${i.gpusPerNode} must be a whole number ≥ 1`);
  const known = INSTANCE_PRICES[i.instanceType];
  const gpusPerNode = i.gpusPerNode ?? known?.gpus;
  if (gpusPerNode === undefined)
    throw new Error(
      `--instance-type: ${i.instanceType} is not in the price table (${Object.keys(INSTANCE_PRICES).join(", ")}); pass --gpus-per-node and --price-per-hour`,
    );
  const usdPerHour = i.pricePerHour ?? known?.usdPerHour;
  if (usdPerHour === undefined)
    throw new Error(`--price-per-hour: needed for ${i.instanceType}, which is not in the price table`);
  const podsPerNode = Math.floor(gpusPerNode / i.tensorParallelSize);
  if (podsPerNode < 1)
    throw new Error(
      `--tensor-parallel-size: ${i.tensorParallelSize} GPUs per pod do not fit on ${i.instanceType} (${gpusPerNode} GPUs per node); a pod cannot span nodes`,
    );
  return { gpusPerNode, usdPerHour, podsPerNode };
}

export function recommend(i: FleetInput): Recommendation {
  const { gpusPerNode, usdPerHour, podsPerNode } = checkFleet(i);
  const target = floor2(i.sustainableRps * i.headroom);
  if (!(target > 0))
    throw new Error(`the sustainable rate (${i.sustainableRps} req/s) is too low to recommend a target`);
  const maxReplicas = Math.max(1, Math.ceil(i.peakRps / target - 1e-9));
  const maxSize = Math.ceil(maxReplicas / podsPerNode);
  const replicaCostPerHour = (usdPerHour * i.tensorParallelSize) / gpusPerNode;
  const tokensPerHourAtTarget = target * i.meanOutputTokens * 3600;
  return {
    config: {
      "autoscaling.targetRequestsPerSecond": target,
      "autoscaling.maxReplicas": maxReplicas,
      "gpuNodes.maxSize": maxSize,
      "gpuNodes.instanceTypes": [i.instanceType],
      "gpuNodes.gpusPerNode": gpusPerNode,
      "model.tensorParallelSize": i.tensorParallelSize,
      "monitoring.alerts.requestsPerSecondPerPod": floor2(i.sustainableRps * i.alertFraction),
    },
    podsPerNode,
    price: {
      usdPerHour,
      source:
        i.pricePerHour !== undefined ? "--price-per-hour" : `on-demand ${PRICE_REGION}, price table of ${PRICES_AS_OF}`,
    },
    costPerHourAtPeak: maxSize * usdPerHour,
    costPerMillionOutputTokens:
      tokensPerHourAtTarget > 0 ? (replicaCostPerHour / tokensPerHourAtTarget) * 1e6 : Infinity,
  };
}
