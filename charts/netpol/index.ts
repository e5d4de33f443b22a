export { servingFlows, type Flow, type Source } from "./flows";
export {
  dedupeFlows,
  objectRoutes,
  podTemplates,
  serviceAddress,
  serviceMonitorFlows,
  serviceUrlsIn,
  urlFlows,
  type ServiceRoute,
  type Unresolved,
} from "./connections";
export { addNamespacePolicies, namespacePolicies, podPolicies } from "./policies";
export * from "./pods";
export { MONITORING_PSA, psaLabels, servingPsaLevel } from "./psa";
