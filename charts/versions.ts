// Pinned images our own charts run. Bump deliberately: a new vLLM release can rename metrics
// (monitoring/catalog.ts keeps the old names it still queries).

/**
 * vLLM's OpenAI-compatible server image (Docker Hub `vllm/vllm-openai`). v0.30.0 was the newest
 * release found in public sources (September 2026); flags used in charts/vllm/args.ts are stable.
 */
export const VLLM_IMAGE = "vllm/vllm-openai:v0.30.0";

/** This project's benchmark + simulator image (bench/Dockerfile); the tag follows package.json. */
const BENCH_IMAGE_REPOSITORY = "ghcr.io/vllm-k8s/vllm-bench";
export const BENCH_IMAGE_TAG = "0.1.0";
export const BENCH_IMAGE = `${BENCH_IMAGE_REPOSITORY}:${BENCH_IMAGE_TAG}`;
