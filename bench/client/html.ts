// The run report moved to bench/report (Vega-Lite plots rendered to inline SVG).
export { htmlReport } from "../report/html";
