import * as vega from "vega";
import * as vl from "vega-lite";
import type { TopLevelSpec } from "vega-lite";

// Vega-Lite specs rendered to self-contained SVG strings at report time: no script, no remote
// asset, so the report opens offline. Synchronous, so the report can be written from the
// synchronous output step of a run: the dataflow runs with View.run() and the scenegraph goes
// through vega's SVGStringRenderer, sized as vega-view's own headless path sizes it
// (vega-view 6.2.0 src/render-headless.js, initialize-renderer.js and render-size.js:
// width = _viewWidth + padding, origin offset = padding + _origin).

const CONFIG: vl.Config = {
  font: "system-ui, -apple-system, Segoe UI, Roboto, sans-serif",
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: "#e5e7eb" },
  legend: { labelFontSize: 11, titleFontSize: 11, orient: "bottom", labelLimit: 320 },
  title: { fontSize: 13, anchor: "start" },
  view: { stroke: "#d1d5db" },
};

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export function renderSvg(spec: TopLevelSpec, label: string): string {
  const compiled = vl.compile({ ...spec, config: { ...CONFIG, ...(spec.config ?? {}) } }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" }) as vega.View & {
    _viewWidth: number;
    _viewHeight: number;
    _origin: [number, number];
    _scenegraph: { root: unknown };
  };
  view.run();
  const pad = view.padding() as { left: number; right: number; top: number; bottom: number };
  const Renderer = (
    vega as unknown as {
      SVGStringRenderer: new (loader: unknown) => {
        initialize(
          el: null,
          w: number,
          h: number,
          origin: [number, number],
          scale: number,
          opt: object,
        ): { background(c: unknown): { render(root: unknown): { svg(): string } } };
      };
    }
  ).SVGStringRenderer;
  const svg = new Renderer(view.loader())
    .initialize(
      null,
      Math.max(0, view._viewWidth + pad.left + pad.right),
      Math.max(0, view._viewHeight + pad.top + pad.bottom),
      [pad.left + view._origin[0], pad.top + view._origin[1]],
      1,
      {},
    )
    .background(view.background() ?? "white")
    .render(view._scenegraph.root)
    .svg();
  view.finalize();
  // The class marks it as a plot for the page's style and its tests; the label names it for screen readers.
  return svg
    .replace(/^<svg /, `<svg role="img" aria-label="${esc(label)}" class="plot" `)
    .replace(/ class="marks"/, "");
}
