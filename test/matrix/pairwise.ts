// All-pairs (pairwise) combinations of factor levels: every level of every factor meets every level
// of every other factor in at least one row. A small greedy generator in the style of AETG: each
// new row starts from the first uncovered pair and fills the remaining factors with the level that
// covers the most uncovered pairs; deterministic (ties go to the first level), so the matrix is stable.

export function allPairs(levels: readonly number[]): number[][] {
  const n = levels.length;
  const key = (f: number, a: number, g: number, b: number) => `${f}:${a}|${g}:${b}`;
  const uncovered = new Set<string>();
  for (let f = 0; f < n; f++)
    for (let g = f + 1; g < n; g++)
      for (let a = 0; a < levels[f]; a++) for (let b = 0; b < levels[g]; b++) uncovered.add(key(f, a, g, b));
  const rows: number[][] = [];
  while (uncovered.size > 0) {
    const [first] = uncovered;
    const [[f, a], [g, b]] = first.split("|").map((p) => p.split(":").map(Number));
    const row: number[] = new Array<number>(n).fill(-1);
    row[f] = a;
    row[g] = b;
    for (let h = 0; h < n; h++) {
      if (row[h] !== -1) continue;
      let best = 0;
      let bestGain = -1;
      for (let c = 0; c < levels[h]; c++) {
        let gain = 0;
        for (let o = 0; o < n; o++)
          if (row[o] !== -1 && uncovered.has(o < h ? key(o, row[o], h, c) : key(h, c, o, row[o]))) gain++;
        if (gain > bestGain) [best, bestGain] = [c, gain];
      }
      row[h] = best;
    }
    for (let x = 0; x < n; x++) for (let y = x + 1; y < n; y++) uncovered.delete(key(x, row[x], y, row[y]));
    rows.push(row);
  }
  return rows;
}

/** Every pair of levels the rows cover, to check a generator's output. */
export function coveredPairs(rows: readonly number[][]): Set<string> {
  const out = new Set<string>();
  for (const row of rows)
    for (let f = 0; f < row.length; f++)
      for (let g = f + 1; g < row.length; g++) out.add(`${f}:${row[f]}|${g}:${row[g]}`);
  return out;
}
