// Which finished requests feed the HPA's requests-per-second: KEDA's trigger query and the
// per-pod recording rule the capacity dashboard compares with the HPA target, evaluated by the real
// promtool on a pod finishing requests for every one of vLLM's five finish reasons.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import {
  AUTOSCALING_FINISHED_REASONS,
  requestRateTriggerQuery,
  TRIGGER_RATE_WINDOW,
} from "../../monitoring/autoscaling";
import { REC } from "../../monitoring/recorded";
import { recordingRuleGroups, renderRuleFile } from "../../monitoring/rules";

// Per-minute increments per finish reason (vLLM's FINISH_REASON_STRINGS).
const PER_MINUTE = { stop: 600, length: 300, repetition: 60, abort: 1200, error: 2400 };
const served =
  (AUTOSCALING_FINISHED_REASONS as readonly string[]).reduce(
    (a, r) => a + PER_MINUTE[r as keyof typeof PER_MINUTE],
    0,
  ) / 60;
const POD = { namespace: "llm", pod: "vllm-0", model_name: "m", engine: "0", job: "vllm", instance: "10.0.0.1:8000" };
const fmt = (l: Record<string, string>) =>
  `{${Object.entries(l)
    .map(([k, v]) => `${k}="${v}"`)
    .join(",")}}`;

describe("autoscaling signal", () => {
  it("counts stop, length and repetition; aborts and errors do not buy GPUs", () => {
    expect([...AUTOSCALING_FINISHED_REASONS].sort()).toEqual(["length", "repetition", "stop"]);
    const input_series = Object.entries(PER_MINUTE).map(([reason, n]) => ({
      series: `vllm:request_success_total${fmt({ ...POD, finished_reason: reason })}`,
      values: `0+${n}x30`,
    }));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-hpa-signal-"));
    try {
      fs.writeFileSync(path.join(dir, "recording.yaml"), renderRuleFile(recordingRuleGroups()));
      const tests = [
        {
          name: "trigger query and per-pod rule",
          interval: "1m",
          input_series,
          promql_expr_test: [
            // KEDA's trigger query (the namespace's sum over its 2-minute window; one pod here).
            {
              expr: requestRateTriggerQuery("llm"),
              eval_time: "20m",
              exp_samples: [{ labels: "{}", value: served }],
            },
            // Idle (another namespace): 0, not empty, so KEDA reads "no load" rather than an error.
            { expr: requestRateTriggerQuery("elsewhere"), eval_time: "20m", exp_samples: [{ labels: "{}", value: 0 }] },
            // The recorded per-pod rate the capacity dashboard draws against the HPA target.
            {
              expr: `sum by (pod) (${REC.requests.pod.record})`,
              eval_time: "20m",
              exp_samples: [{ labels: '{pod="vllm-0"}', value: served }],
            },
          ],
        },
      ];
      fs.writeFileSync(
        path.join(dir, "tests.yaml"),
        stringify({ rule_files: ["recording.yaml"], evaluation_interval: "1m", tests }, { lineWidth: 0 }),
      );
      const r = spawnSync("promtool", ["test", "rules", "tests.yaml"], { cwd: dir, encoding: "utf8" });
      expect(r.error, "promtool must be installed (Debian package prometheus)").toBeUndefined();
      expect(r.status, r.stdout + r.stderr).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(TRIGGER_RATE_WINDOW).toBe("2m");
    // 16 served requests/s, where counting every reason would say 76.
    expect(served).toBe(16);
  });
});
