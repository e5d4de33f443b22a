// "Did you mean …?" for stack config: the closest known word to a typo, or nothing when no
// candidate is near enough to be a plausible typo.

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

/** The candidate nearest to `word` (case-insensitive edit distance), if within a typo's reach. */
export function closest(
  word: string,
  candidates: readonly string[],
  maxDistance = Math.max(2, Math.floor(word.length / 3)),
): string | undefined {
  let best: [string, number] | undefined;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (!best || d < best[1]) best = [c, d];
  }
  if (best && best[1] <= maxDistance) return best[0];
  // A word cut short (`ttftP95` for `ttftP95Seconds`): the one candidate it begins.
  const extended = word.length >= 4 ? candidates.filter((c) => c.toLowerCase().startsWith(word.toLowerCase())) : [];
  return extended.length === 1 ? extended[0] : undefined;
}
