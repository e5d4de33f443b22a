// Names and labels shared by the vLLM objects. The Service (and so the Prometheus job label) is
// `vllm`, which monitoring/recorded.ts VLLM_JOB_MATCHERS expects.
import { PART_OF } from "../part-of";

export const APP_NAME = "vllm";
export const HTTP_PORT = 8000;

export const selectorLabels = { "app.kubernetes.io/name": APP_NAME, "app.kubernetes.io/instance": APP_NAME } as const;

export function commonLabels(engine: string): Record<string, string> {
  const component = engine === "vllm" ? "inference-server" : "inference-simulator";
  return { ...selectorLabels, "app.kubernetes.io/component": component, ...PART_OF };
}
