import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { composeFile } from "../../compose/compose-file";
import { composeImages } from "../../compose/images";
import { parseComposeOptions } from "../../compose/options";
import { composeValidator, interpolate } from "./compose-schema";

type Service = Record<string, any>;
const env = { GRAFANA_ADMIN_PASSWORD: "s3cret" };
const raw = parse(composeFile(parseComposeOptions({ simulatorBuildContext: "../.." })));
const resolved = interpolate(raw, env);
const services = resolved.services as Record<string, Service>;
const validate = composeValidator();

describe("generated docker-compose.yaml", () => {
  it("validates against the compose-spec JSON schema after interpolation", () => {
    const ok = validate(resolved);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it("validates with GPU profiling counters on as well", () => {
    const gpu = interpolate(parse(composeFile(parseComposeOptions({ gpuProfiling: true }))), env);
    expect(validate(gpu), JSON.stringify(validate.errors)).toBe(true);
    expect(gpu.services["dcgm-exporter"].cap_add).toEqual(["SYS_ADMIN"]);
    expect(services["dcgm-exporter"].cap_add).toBeUndefined();
  });

  it("the schema check can fail: an unknown service key and a bad restart value are rejected", () => {
    const broken = structuredClone(resolved);
    broken.services.prometheus.restarts = "always";
    broken.services.grafana.healthcheck.interval = 30;
    expect(validate(broken)).toBe(false);
    const paths = (validate.errors ?? []).map((e) => e.instancePath);
    expect(paths).toContain("/services/prometheus");
    expect(paths).toContain("/services/grafana/healthcheck/interval");
  });

  it("refuses to start without GRAFANA_ADMIN_PASSWORD, naming the variable", () => {
    expect(() => interpolate(raw, {})).toThrow(/GRAFANA_ADMIN_PASSWORD/);
    expect(() => interpolate(raw, { GRAFANA_ADMIN_PASSWORD: "" })).toThrow(/GRAFANA_ADMIN_PASSWORD/);
    expect(services.grafana.environment.GF_SECURITY_ADMIN_PASSWORD).toBe("s3cret");
    expect(services.grafana.environment.GF_AUTH_ANONYMOUS_ENABLED).toBe("false");
  });

  it("pins every image to an exact tag, the core ones to images.ts", () => {
    for (const [name, svc] of Object.entries(services)) {
      const image = String(svc.image);
      const tag = image.split("/").pop()!.split(":")[1];
      expect(tag, `${name} image ${image} has no tag`).toBeTruthy();
      expect(tag, `${name} image ${image} floats`).not.toMatch(/^(latest|main|master|stable|\d+|\d+\.\d+)$/);
    }
    expect(services.prometheus.image).toBe(composeImages.prometheus);
    expect(services.alertmanager.image).toBe(composeImages.alertmanager);
    expect(services.grafana.image).toBe(composeImages.grafana);
    expect(services["dcgm-exporter"].image).toBe(composeImages.dcgmExporter);
  });

  it("publishes ports on loopback only by default, and BIND_ADDRESS opens them deliberately", () => {
    const published = Object.values(services).flatMap((s) => (s.ports ?? []) as string[]);
    expect(published.length).toBeGreaterThanOrEqual(4);
    for (const port of published) expect(port).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
    const open = interpolate(raw, { ...env, BIND_ADDRESS: "0.0.0.0" });
    for (const s of Object.values(open.services as Record<string, Service>))
      for (const p of s.ports ?? []) expect(p).toMatch(/^0\.0\.0\.0:/);
  });

  it("restarts unless stopped and health-checks every service that has a shell or runtime", () => {
    for (const [name, svc] of Object.entries(services)) {
      expect(svc.restart, name).toBe("unless-stopped");
      if (name === "dcgm-exporter") continue; // distroless: nothing to run a check with
      expect(svc.healthcheck?.test, `${name} has no healthcheck`).toBeDefined();
    }
  });

  it("keeps Prometheus, Alertmanager and Grafana data in named volumes", () => {
    const named = Object.keys(resolved.volumes);
    for (const [svc, target] of [
      ["prometheus", "/prometheus"],
      ["grafana", "/var/lib/grafana"],
      ["alertmanager", "/alertmanager"],
    ]) {
      const mount = (services[svc].volumes as string[]).find((v) => v.endsWith(`:${target}`));
      expect(mount, `${svc} has no volume at ${target}`).toBeDefined();
      expect(named).toContain(mount!.split(":")[0]);
    }
  });

  it("starts the core stack without profiles; simulator and DCGM exporter only on request", () => {
    expect(services.prometheus.profiles).toBeUndefined();
    expect(services.grafana.profiles).toBeUndefined();
    expect(services.alertmanager.profiles).toBeUndefined();
    expect(services.simulator.profiles).toEqual(["simulator"]);
    expect(services.simulator.command).toEqual(["sim", "--host", "0.0.0.0", "--port", "8000"]);
    expect(services["dcgm-exporter"].profiles).toEqual(["gpu"]);
    expect(services["dcgm-exporter"].deploy.resources.reservations.devices[0].capabilities).toEqual(["gpu"]);
  });

  it("scrapes the simulator unless VLLM_TARGETS says otherwise", () => {
    expect(services.prometheus.environment.VLLM_TARGETS).toBe("simulator:8000");
    const custom = interpolate(raw, { ...env, VLLM_TARGETS: "10.0.0.5:8000" });
    expect(custom.services.prometheus.environment.VLLM_TARGETS).toBe("10.0.0.5:8000");
  });
});

describe("DCGM exporter counters", () => {
  const csv = "DCGM_FI_DEV_GPU_UTIL, gauge, GPU utilisation (%).\n";
  it("mounts the given counters file and points the exporter at it", () => {
    const spec = interpolate(parse(composeFile(parseComposeOptions({ dcgmCountersCsv: csv }))), env);
    expect(validate(spec), JSON.stringify(validate.errors)).toBe(true);
    const dcgm = spec.services["dcgm-exporter"];
    expect(dcgm.volumes).toEqual(["./dcgm/counters.csv:/etc/dcgm-exporter/vllm-counters.csv:ro"]);
    expect(dcgm.environment.DCGM_EXPORTER_COLLECTORS).toBe("/etc/dcgm-exporter/vllm-counters.csv");
  });

  it("refuses profiling counters unless gpuProfiling grants SYS_ADMIN", () => {
    const prof = `${csv}DCGM_FI_PROF_DRAM_ACTIVE, gauge, DRAM active.\n`;
    expect(() => parseComposeOptions({ dcgmCountersCsv: prof })).toThrow(
      /`dcgmCountersCsv`: lists profiling counters .*gpuProfiling/,
    );
    expect(parseComposeOptions({ dcgmCountersCsv: prof, gpuProfiling: true }).gpuProfiling).toBe(true);
  });
});

describe("compose options", () => {
  it("name the option and the fix when invalid", () => {
    expect(() => parseComposeOptions({ simulatorImage: "vllm-bench:latest" })).toThrow(
      /`simulatorImage`: must pin a tag/,
    );
    expect(() => parseComposeOptions({ scrapeInterval: "15 seconds" })).toThrow(
      /`scrapeInterval`: must be a Prometheus duration/,
    );
  });
});
