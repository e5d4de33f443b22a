// Names and labels shared by the vLLM objects.
import { monitoringConfig } from "../../monitoring/config";
import { PART_OF } from "../part-of";

/** The Service name, and so the Prometheus job label the monitoring content selects. */
export const APP_NAME: string = monitoringConfig.vllmJob;
export const HTTP_PORT = 8000;
/** Where both engines mount the model cache (HF_HOME lives under it for vLLM). */
export const MODEL_CACHE_PATH = "/model-cache";

export const selectorLabels = { "app.kubernetes.io/name": APP_NAME, "app.kubernetes.io/instance": APP_NAME } as const;

export function commonLabels(engine: string): Record<string, string> {
  const component = engine === "vllm" ? "inference-server" : "inference-simulator";
  return { ...selectorLabels, "app.kubernetes.io/component": component, ...PART_OF };
}
