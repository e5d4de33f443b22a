import { defaultSimOptions, optionsHelp, simOptionsFrom } from "./options";
import { startSimulator } from "./server";

/** `vllm-bench sim [options]`: the simulator as a long-running server. */
export async function simMain(argv: string[]): Promise<void> {
  // In a container the simulator must answer on the pod IP, so the CLI listens on all interfaces.
  const cliDefaults = { ...defaultSimOptions, host: "0.0.0.0", port: 8000 };
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(
      `usage: vllm-bench sim [options]\n\nAn OpenAI-compatible server that behaves and reports like vLLM.\n\n${optionsHelp(cliDefaults)}\n\nUse --host 127.0.0.1 on a workstation (the default, 0.0.0.0, is for containers).\nControl endpoints (for tests and labs, only with --enable-control-endpoints): GET/POST /sim/faults reads or changes the fault options above at run time; GET /sim/timing returns the TTFT and inter-token gaps (ms) as handed to the socket in fixed-latency mode, pooled and per response id, DELETE /sim/timing clears them. Never enable them where others can reach the port: anyone could inject faults.`,
    );
    return;
  }
  const options = simOptionsFrom(argv, process.env, cliDefaults);
  const sim = await startSimulator(options);
  if (sim.start.loadMs > 0)
    console.log(
      `vLLM simulator: ${sim.start.kind} start, 'loading' ${options.model} for ${sim.start.loadMs} ms${sim.start.kind === "cold" && options.modelCacheDir ? " (cache empty: download + load)" : ""}`,
    );
  await sim.ready;
  console.log(
    `vLLM simulator serving ${options.model} on http://${options.host}:${sim.port}${options.apiKey ? " (API key required on /v1/*)" : ""}`,
  );
  const stop = async () => {
    await sim.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop());
  process.once("SIGINT", () => void stop());
}
