// The mapper: turns the validated stack config into each component's narrow args and derives the
// facts several components share once (node placement per mode, in-cluster URLs, names,
// namespaces, secret refs). Only the config modules, this mapper, the program and the entry points
// see StackConfig (test/arch/stack-config.test.ts).
export { benchImageArgs, existingClusterArgs, gpuClusterArgs } from "./cluster";
export { addonSettings, addonsArgs, type AddonsLive } from "./addons";
export { nodePlacement, type NodePlacement } from "./placement";
export { policyAllowances } from "./policy";
export {
  API_KEY_SECRET,
  chartPropsFromConfig,
  type DeployContext,
  HF_TOKEN_SECRET,
  inClusterPushgatewayUrl,
  serviceUrl,
  vllmWorkloadsArgs,
} from "./workloads";
