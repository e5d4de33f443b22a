import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { BENCH_IMAGE, BENCH_IMAGE_TAG, VLLM_IMAGE } from "../../charts/versions";

describe("pinned images", () => {
  it("vLLM is an exact release tag and the bench image follows package.json's version", () => {
    expect(VLLM_IMAGE).toMatch(/^vllm\/vllm-openai:v\d+\.\d+\.\d+$/);
    const pkg = JSON.parse(fs.readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    expect(BENCH_IMAGE_TAG).toBe(pkg.version);
    expect(BENCH_IMAGE).not.toMatch(/latest/);
  });
});
