// A vitest reporter that prints the 10 slowest test files at the end of a run: import (the test
// file and everything it loads) plus tests and hooks. `npm test` must stay about a minute here;
// this says where the time goes when it does not.
import * as path from "node:path";
import type { Reporter, TestModule } from "vitest/node";

export default class SlowestSuites implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>) {
    const rows = modules.map((m) => {
      const d = m.diagnostic();
      const imports = d.environmentSetupDuration + d.prepareDuration + d.setupDuration + d.collectDuration;
      return {
        file: path.relative(process.cwd(), m.moduleId),
        total: imports + d.duration,
        imports,
        tests: d.duration,
      };
    });
    rows.sort((a, b) => b.total - a.total);
    const s = (ms: number) => (ms / 1000).toFixed(1).padStart(5);
    console.log(`\nSlowest suites (seconds: total = import + tests):`);
    for (const r of rows.slice(0, 10)) console.log(`${s(r.total)} = ${s(r.imports)} + ${s(r.tests)}  ${r.file}`);
  }
}
