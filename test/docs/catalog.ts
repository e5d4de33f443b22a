// How the docs suite treats each command and run-time claim it finds. A command is run (offline,
// in test/docs/docs.slow.test.ts) unless a rule below says why it cannot be; a command matching
// no rule fails the suite, so a new doc cannot add an unchecked command silently.

export type Verdict = { run: true; expectExit: number } | { run: false; reason: string };

const SKIP: { match: RegExp; reason: string }[] = [
  {
    match: /^(pulumi|kubectl|aws|helm)\b/,
    reason: "needs a cloud account or a cluster (Pulumi CLI, kubectl, AWS CLI, helm)",
  },
  { match: /^ssh\b/, reason: "needs a remote host" },
  { match: /^docker\b/, reason: "needs Docker" },
  {
    match: /^npm (ci|install)\b/,
    reason: "installs dependencies from the registry; the suite runs in an installed tree",
  },
  { match: /^npm (test|run (test|test:slow))\b/, reason: "runs the test suites this check is part of" },
  {
    match: /^npm run (lint|format)\b/,
    reason: "CI's own steps before the suites (.ci/run: format:check, lint); `format` rewrites files in place",
  },
  {
    match: /^npx tsx test\/house\/snapshot\.ts --write\b/,
    reason: "rewrites the snapshot the house suite compares against (test/house runs the same code without --write)",
  },
  {
    match: /^(cd|cp)\s/,
    reason: "file operation inside the generated compose bundle (its files are checked by test/compose)",
  },
  { match: /^\$EDITOR\b/, reason: "opens an editor" },
  { match: /^export KUBECONFIG=/, reason: "shell setup for kubectl against the new cluster" },
  { match: /^npm run( -s)?$/, reason: "prose about `npm run` itself, not a command" },
  {
    match: /^vllm-bench\b/,
    reason:
      "usage synopsis of the installed bin (`npx vllm-bench`, checked by the bench suites); its runs are checked here as `npx tsx bench/cli.ts …`",
  },
  {
    match: /--base-url http:\/\/(localhost|127\.0\.0\.1):8000\b/,
    reason: "needs a vLLM server (or the compose simulator) listening on :8000",
  },
  {
    match: /\bcompare\s+results/,
    reason: "needs two result files from earlier runs (compare is covered by the bench suites)",
  },
  { match: /<[a-z-]+>|\.\.\.|…/, reason: "a template with placeholders to fill in" },
  {
    match: /^npm start -- --config baseline\b/,
    reason: "the baseline preset runs about 6.5 minutes (its time is checked from the preset's plan)",
  },
  {
    match: /^npx vllm-bench plan --quick --peak-rps 30$/,
    reason:
      "minutes of a quick plan: test/bench/plan-cli.slow.test.ts runs it with shorter confirmation runs and checks its plan.json; test/docs/docs.test.ts holds the docs' run-time range for it to the mode's durations",
  },
  {
    match: /^npm run bench:/,
    reason: "a performance lab: minutes of full load on both cores, reported in the docs as measured on this machine",
  },
];
const RUN = /^(npm (start|run(-script)? )|npx (tsx|vllm-bench)\b|node dist\/)/;

export function classify(cmd: string): Verdict | undefined {
  const skip = SKIP.find((s) => s.match.test(cmd));
  if (skip) return { run: false, reason: skip.reason };
  if (RUN.test(cmd)) return { run: true, expectExit: 0 };
  return undefined;
}

/**
 * Run-time numbers in the docs and what keeps each honest. `measured`: the slow suite times the
 * command and the claim must be within a factor of 3 either way (a loaded 2-core CI machine
 * included); `plan`: the time is set by a preset's own durations, computed from the preset;
 * `quick-plan`: the range `plan --quick` can take, computed from its mode's points and confirmation
 * runs (bench/plan/modes.ts, search.ts), fewest to most;
 * `cloud`: happens on AWS only (reason given); a claim in a paragraph that says "on this machine"
 * or "this VM" needs no entry.
 */
export type ClaimCheck =
  | { kind: "measured"; seconds: number; command: string }
  | { kind: "plan"; seconds: number; preset: "baseline" | "sweep"; bound: "about" | "at most" }
  | { kind: "preset-setting"; seconds: number; preset: "sweep" }
  | { kind: "quick-plan"; fromSeconds: number; toSeconds: number }
  | { kind: "cloud"; reason: string };

export const RUN_TIME_CLAIMS: { file: string; text: RegExp; check: ClaimCheck }[] = [
  { file: "README.md", text: /smoke.*about 20 s/, check: { kind: "measured", seconds: 20, command: "npm start" } },
  {
    file: "docs/benchmark.md",
    text: /runs the `smoke` preset against it \(about 20 s\)|\|\s*about 20 s\s*\|/,
    check: { kind: "measured", seconds: 20, command: "npx tsx bench/cli.ts run" },
  },
  {
    file: "docs/serving.md",
    text: /to confirm the\s+answer: two to ten minutes/,
    check: { kind: "quick-plan", fromSeconds: 120, toSeconds: 600 },
  },
  {
    file: "README.md",
    text: /20 % precision, the answer confirmed by two 60 s runs: two to ten minutes/,
    check: { kind: "quick-plan", fromSeconds: 120, toSeconds: 600 },
  },
  {
    file: "docs/benchmark.md",
    text: /about 6\.5 minutes/,
    check: { kind: "plan", seconds: 390, preset: "baseline", bound: "about" },
  },
  {
    file: "docs/benchmark.md",
    text: /at most about 4 minutes/,
    check: { kind: "plan", seconds: 240, preset: "sweep", bound: "at most" },
  },
  {
    file: "docs/benchmark.md",
    text: /at most 60 s each/,
    check: { kind: "preset-setting", seconds: 60, preset: "sweep" },
  },
  {
    file: "docs/runbooks.md",
    text: /GPU node from zero takes about 5–10 minutes/,
    check: { kind: "cloud", reason: "an EKS GPU node joining and loading its driver; measurable on AWS only" },
  },
  {
    file: "docs/serving.md",
    text: /from zero: about 5–10 minutes/,
    check: { kind: "cloud", reason: "an EKS GPU node joining, pulling the image and loading the model; AWS only" },
  },
];

export const ON_THIS_MACHINE = /on this machine|this VM\b/i;

/** Inline code that looks like a repository path but names something else. */
export const NOT_PATHS: Record<string, string> = {
  "kube-system/cluster-autoscaler": "a namespace/ServiceAccount",
  "vllm/vllm-openai": "a container image",
  "prometheus/sd/vllm.json": "a file inside the generated compose bundle (dist/compose/), checked by test/compose",
  "OUTPUT_DIR/latest": "a link the benchmark writes at run time (test/bench checks it)",
  "vllm/v1/metrics/loggers.py":
    "a file in vllm-project/vllm (upstream source, commit in test/fixtures/vllm-metrics.json)",
  "vllm/v1/metrics/buckets.py":
    "a file in vllm-project/vllm (upstream source, commit in test/fixtures/vllm-metrics.json)",
  "tests/entrypoints/serve/instrumentator/test_metrics.py":
    "a file in vllm-project/vllm (upstream test, commit in test/fixtures/vllm-metrics.json)",
  "ComplianceAsCode/content": "an upstream repository (CIS EKS control ids)",
  "controls/cis_eks.yml": "a file in ComplianceAsCode/content",
  "nodejs/eks/cluster/cluster.ts": "a file in pulumi/pulumi-eks v4.3.0",
  "nodejs/eks/nodes/nodegroup.ts": "a file in pulumi/pulumi-eks v4.3.0",
  "nodejs/eks/addons/cni-addon.ts": "a file in pulumi/pulumi-eks v4.3.0",
  "aws/ebs": "the AWS-managed EBS KMS key alias",
};

/**
 * Doc promises known to be broken, each owned by an open issue item. The suite asserts they still
 * fail, so the entry must be deleted (and the check then holds) once the fix lands.
 */
export const KNOWN_BROKEN: { file: string; text: RegExp; owner: string }[] = [];
