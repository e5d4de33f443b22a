// Pulumi entry point (Pulumi.yaml `main`). All logic lives in program.ts so the offline
// graph (`npm run graph`) and tests run exactly the same code under mocks.
import { runProgram } from "./program";

const outputs = runProgram();

export const mode = outputs.mode;
export const clusterName = outputs.clusterName;
export const region = outputs.region;
export const kubeconfig = outputs.kubeconfig;
export const gpuNodeGroupName = outputs.gpuNodeGroupName;
export const autoscalerRoleArn = outputs.autoscalerRoleArn;
export const benchImage = outputs.benchImage;
