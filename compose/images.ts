// Container images the Docker Compose bundle runs, pinned to exact versions (checked in public
// release notes, late 2026). Bump them here only; tests refuse floating tags.
export const composeImages = {
  /** 3.13 is Prometheus' long-term-support line; the config we generate also loads on 2.x. */
  prometheus: "prom/prometheus:v3.13.2",
  alertmanager: "prom/alertmanager:v0.34.0",
  /** Grafana 13 still provisions classic (v1) dashboard JSON from files; only v2 JSON is refused. */
  grafana: "grafana/grafana:13.2.0",
  /** Only distroless images are published from 4.5.3 on: no shell, so no in-container healthcheck. */
  dcgmExporter: "nvcr.io/nvidia/k8s/dcgm-exporter:4.5.3-4.8.2-distroless",
} as const;
