// Parses PromQL with Prometheus' own Lezer grammar and lists the metric names it selects.
import { parser } from "@prometheus-io/lezer-promql";

/** Grafana variables replaced by values a parser (and Prometheus) accepts. */
export function withoutGrafanaVariables(expr: string): string {
  return expr.replace(/\$__range|\$__rate_interval|\$__interval/g, "5m").replace(/\$(\w+)/g, ".*");
}

export function parsePromql(expr: string): { errors: string[]; metrics: string[] } {
  const text = withoutGrafanaVariables(expr);
  const errors: string[] = [];
  const metrics: string[] = [];
  parser.parse(text).iterate({
    enter: (n) => {
      if (n.type.isError) errors.push(`error at ${n.from}: …${text.slice(Math.max(0, n.from - 20), n.to + 20)}…`);
      if (n.name === "VectorSelector") {
        const id = n.node.getChild("Identifier");
        if (id) metrics.push(text.slice(id.from, id.to));
      }
    },
  });
  return { errors, metrics };
}
