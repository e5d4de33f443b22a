import { BENCH_IMAGE, VLLM_IMAGE } from "../versions";

// Which registries our pods may pull from, and what counts as a pinned image: one home for the
// stack-config check (before any resource) and the in-cluster ValidatingAdmissionPolicy
// (charts/security/admission.ts), so both refuse the same images.

/** Docker Hub, the registry a reference without a registry host means. */
const DOCKER_HUB = "docker.io";

/**
 * A reference with its registry spelled out, as the container runtime reads it:
 * `vllm/vllm-openai:v1` → `docker.io/vllm/vllm-openai:v1`, `busybox:1` → `docker.io/library/busybox:1`.
 */
export function fullImageName(ref: string): string {
  const first = ref.split("/")[0];
  const hasHost = ref.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
  if (hasHost) return ref;
  return `${DOCKER_HUB}/${ref.includes("/") ? "" : "library/"}${ref}`;
}

/** The repository namespace an image lives in, with a trailing `/`: `docker.io/vllm/vllm-openai:v1` → `docker.io/vllm/`. */
export const imageNamespace = (ref: string) => fullImageName(ref).replace(/[^/]+$/, "");

/**
 * Registries our pinned images come from (charts/versions.ts), as namespace prefixes: trusting
 * `docker.io/vllm/` trusts the vLLM project's Docker Hub organisation, not all of Docker Hub.
 */
export const PINNED_IMAGE_REGISTRIES: readonly string[] = [...new Set([VLLM_IMAGE, BENCH_IMAGE].map(imageNamespace))];

/** The ECR registry of an AWS account in a region, as a prefix. */
export const ecrRegistry = (account: string, region: string) => `${account}.dkr.ecr.${region}.amazonaws.com/`;

/** An image is approved when its full name starts with one of the prefixes (each ends in `/`). */
export const imageApproved = (ref: string, prefixes: readonly string[]) =>
  prefixes.some((p) => fullImageName(ref).startsWith(p));

/**
 * Pinned the way our own images are: a digest, or a tag other than `latest` (a missing tag means
 * `latest`). The tag is what follows the last `:` after the last `/`.
 */
export function imagePinned(ref: string): boolean {
  if (/@sha256:[a-f0-9]{64}$/.test(ref)) return true;
  const last = ref.split("/").pop()!;
  const tag = last.includes(":") ? last.split(":").pop()! : "";
  return tag !== "" && tag !== "latest";
}

/**
 * The prefixes as pod specs may spell them: a Docker Hub prefix also in its short form
 * (`docker.io/vllm/` and `vllm/`), since the admission policy sees the image string as written.
 */
export const admissionPrefixes = (prefixes: readonly string[]): string[] => [
  ...new Set(
    prefixes.flatMap((p) =>
      // Bare official-image names (`busybox:1`) have no prefix to match: write `docker.io/library/busybox:1`.
      p.startsWith(`${DOCKER_HUB}/`) ? [p, p.slice(`${DOCKER_HUB}/`.length)] : [p],
    ),
  ),
];
