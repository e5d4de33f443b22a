// On-demand prices (USD per instance-hour, Linux, us-east-1) of the GPU instance types the stack
// supports (g5, g6, g6e, p4d, p5: infra/gpu-instances.ts, whose GPU counts a test compares with
// these). Indicative only: prices change and differ by region and purchase option, so the plan
// prints the date and `--price-per-hour` overrides the table.
// Source: the AWS EC2 On-Demand pricing page (aws.amazon.com/ec2/pricing/on-demand/), us-east-1,
// as read in 2026; p4d/p5 after AWS's June 2025 P4/P5 price reduction. g5.xlarge at $1.006/h is
// cross-checked against a June 2026 third-party rate card (factualminds.com, 2026-06-17).
export const PRICES_AS_OF = "2026-06";
export const PRICE_REGION = "us-east-1";

export interface InstancePrice {
  gpus: number;
  usdPerHour: number;
}

export const INSTANCE_PRICES: Record<string, InstancePrice> = {
  "g5.xlarge": { gpus: 1, usdPerHour: 1.006 },
  "g5.2xlarge": { gpus: 1, usdPerHour: 1.212 },
  "g5.12xlarge": { gpus: 4, usdPerHour: 5.672 },
  "g5.48xlarge": { gpus: 8, usdPerHour: 16.288 },
  "g6.xlarge": { gpus: 1, usdPerHour: 0.8048 },
  "g6.2xlarge": { gpus: 1, usdPerHour: 0.9776 },
  "g6.12xlarge": { gpus: 4, usdPerHour: 4.6016 },
  "g6.48xlarge": { gpus: 8, usdPerHour: 13.3504 },
  "g6e.xlarge": { gpus: 1, usdPerHour: 1.861 },
  "g6e.2xlarge": { gpus: 1, usdPerHour: 2.24208 },
  "g6e.12xlarge": { gpus: 4, usdPerHour: 10.49264 },
  "g6e.48xlarge": { gpus: 8, usdPerHour: 30.13118 },
  "p4d.24xlarge": { gpus: 8, usdPerHour: 21.96 },
  "p5.48xlarge": { gpus: 8, usdPerHour: 55.04 },
};
