import { defaultSimOptions, optionsHelp, simOptionsFrom } from "./options";
import { startSimulator } from "./server";

/** `vllm-bench sim [options]`: the simulator as a long-running server. */
export async function simMain(argv: string[]): Promise<void> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(`usage: vllm-bench sim [options]\n\nAn OpenAI-compatible server that behaves and reports like vLLM.\n\n${optionsHelp()}\n\nThe CLI listens on 0.0.0.0 by default (inside a container it must answer on the pod IP); use --host 127.0.0.1 on a workstation.`);
    return;
  }
  // In a container the simulator must answer on the pod IP, so the CLI listens on all interfaces.
  const options = simOptionsFrom(argv, process.env, { ...defaultSimOptions, host: "0.0.0.0", port: 8000 });
  const sim = await startSimulator(options);
  console.log(`vLLM simulator serving ${options.model} on http://${options.host}:${sim.port}`);
  const stop = async () => {
    await sim.close();
    process.exit(0);
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}
