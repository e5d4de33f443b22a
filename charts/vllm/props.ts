// Typed inputs of the vLLM chart. charts/ knows nothing of Pulumi or the stack config;
// infra/mapper/workloads.ts maps the config onto these.

import type { AdmissionProps } from "../security/admission";

interface SecretRef {
  name: string;
  key: string;
}

export interface VllmChartProps {
  namespace: string;
  /** The approved-image admission policy guarding this namespace (charts/security/admission.ts). */
  admission: AdmissionProps;
  /** `vllm` on GPU nodes, or the project's CPU simulator with the same API, metrics and HPA. */
  engine: "vllm" | "simulator";
  /** Image of the chosen engine (vLLM's, or the bench/simulator image). */
  image: string;
  model: {
    id: string;
    servedName: string;
    tensorParallelSize: number;
    maxModelLen: number;
    gpuMemoryUtilization: number;
    maxNumSeqs: number;
    loraAdapters: Array<{ name: string; path: string }>;
    extraArgs: string[];
  };
  /** Replicas when autoscaling is off. */
  replicas: number;
  autoscaling: {
    enabled: boolean;
    minReplicas: number;
    maxReplicas: number;
    targetRequestsPerSecond: number;
    scaleUpStabilizationSeconds: number;
    scaleDownStabilizationSeconds: number;
    /** Prometheus the request-rate trigger queries (KEDA's operator runs the query). */
    prometheusUrl: string;
    /** A cron window in which at least `replicas` pods run (KEDA cron trigger). Default: none. */
    activeHours?: { timezone: string; start: string; end: string; replicas: number };
    /** Scale to zero after the scale-down window without a served request (KEDA idleReplicaCount 0). */
    idleToZero: boolean;
  };
  modelCache: { type: "emptyDir" | "pvc" | "shared"; sizeGiB: number; storageClassName?: string };
  /** Secret with the Hugging Face token (optional at runtime: ungated models need none). */
  hfTokenSecret: SecretRef;
  /** Secret with the API key vLLM requires, when one is required. */
  apiKeySecret?: SecretRef;
  /** Namespaces (besides this one) whose pods may call the API. */
  allowedClientNamespaces: string[];
  /** Where Prometheus runs: the only other namespace allowed to reach the pods. */
  monitoringNamespace: string;
  /**
   * Node selector of the pods: the GPU (vLLM) or system (simulator) node-group label on EKS; empty
   * on an existing cluster, whose nodes do not carry our labels (the GPU limit still places vLLM).
   */
  nodeSelector: Record<string, string>;
  /** Include the Namespace object (`npm run synth`); Pulumi creates it itself. */
  includeNamespace: boolean;
}
