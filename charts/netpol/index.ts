export { monitoringFlows, servingFlows, type Flow, type MonitoringFlowProps, type ServingFlowProps, type Source } from "./flows";
export { DEFAULT_DENY, defaultDenyIngress, namespacePolicies } from "./policies";
export * from "./pods";
export { MONITORING_PSA, psaLabels, servingPsaLevel, type PssLevel } from "./psa";
