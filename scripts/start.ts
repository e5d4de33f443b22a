// `npm start`: the benchmark's embedded default (smoke suite against the built-in simulator on
// loopback) and, when a `prometheus` binary is on PATH, a local Prometheus with our recording and
// alert rules scraping that simulator; its summary (headline values, pending/firing alerts) is
// printed after the benchmark's. Arguments pass through to `vllm-bench run`; with a target
// (--base-url or MODEL_ENDPOINT) it is plain `vllm-bench run`.
import { startSimulator } from "../bench/sim";
import { runMain } from "../bench/client/cli";
import { startLocalMonitoring, type LocalMonitoring } from "./local-monitoring";

async function main(args: string[]): Promise<number> {
  const targeted =
    args.some((a) => a === "--base-url" || a.startsWith("--base-url=") || a === "--help" || a === "-h") ||
    !!process.env.MODEL_ENDPOINT;
  if (targeted) return runMain(args);

  const sim = await startSimulator({ host: "127.0.0.1", port: 0 });
  console.log(`Embedded default: the built-in vLLM simulator at ${sim.url} (no cloud account needed).`);
  let mon: LocalMonitoring | undefined;
  try {
    mon = await startLocalMonitoring({ targets: [`127.0.0.1:${sim.port}`] });
    console.log(
      mon
        ? `Local Prometheus with our rules at ${mon.url} (stops at the end).`
        : "No `prometheus` on PATH: skipping local monitoring (install the Debian package `prometheus` to get it).",
    );
  } catch (e) {
    console.error(`warning: local Prometheus did not start, continuing without it: ${(e as Error).message}`);
  }
  const started = Date.now();
  try {
    const code = await runMain(["--base-url", sim.url, ...args]);
    const runSeconds = (Date.now() - started) / 1000;
    if (mon) {
      await new Promise((r) => setTimeout(r, 2_000)); // one last scrape and rule evaluation
      console.log(await mon.report(runSeconds));
    }
    return code;
  } finally {
    await mon?.stop();
    await sim.close();
  }
}

// Ctrl-C reaches us twice: from the terminal (the whole foreground process group) and again from
// npm, whose run-script forwards the signals it gets to its child. The benchmark's own handler
// (runMain) stops the run on the first; repeats within two seconds are that echo and ignored. A
// later Ctrl-C forces the exit (the local Prometheus and its temp dir go through exit handlers).
let interruptedAt = 0;
process.on("SIGINT", () => {
  if (!interruptedAt) interruptedAt = Date.now();
  else if (Date.now() - interruptedAt > 2_000) {
    console.error("interrupted again: exiting without the summary");
    process.exit(130);
  }
});

main(process.argv.slice(2)).then(
  // Once stdout has drained, so a piped summary arrives whole.
  (code) => process.stdout.write("", () => process.exit(code)),
  (err) => {
    // One line, no stack: flag errors (node:util parseArgs, code ERR_PARSE_ARGS_*) get the help hint.
    const flagError = String((err as NodeJS.ErrnoException).code ?? "").startsWith("ERR_PARSE_ARGS");
    console.error(
      `error: ${(err as Error).message.replace(/\s*\n\s*/g, " ")}${flagError ? " (options: npm start -- --help)" : ""}`,
    );
    process.exit(2);
  },
);
