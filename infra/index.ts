// Pulumi entry point (Pulumi.yaml `main`). All logic lives in program.ts so the offline
// graph (`npm run graph`) and tests run exactly the same code under mocks.
// The default export is the stack's outputs: Pulumi's nodejs runtime takes a module's default
// export as its outputs (@pulumi/pulumi cmd/run/run.js), so every field of StackOutputs that the
// program sets is a `pulumi stack output`, with no second list to keep in step.
import { runProgram } from "./program";

export default runProgram();
