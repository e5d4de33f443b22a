export { monitoringFlows, servingFlows, type Flow } from "./flows";
export { addNamespacePolicies, namespacePolicies } from "./policies";
export * from "./pods";
export { MONITORING_PSA, psaLabels, servingPsaLevel } from "./psa";
