// Injected faults: the current set (changed at run time by `setFaults` or POST /sim/faults) and
// the seeded draws that decide which requests they hit.
import { HttpError } from "./http";
import { validateOptions, type FaultOptions, type SimOptions } from "./options";

const FAULT_KEYS = [
  "errorRate",
  "errorStatus",
  "stallBeforeFirstTokenMs",
  "stallAfterTokens",
  "stallMidStreamMs",
  "dropAfterTokens",
  "malformedAfterTokens",
  "slowdown",
] as const;

export function initialFaults(options: SimOptions): FaultOptions {
  return Object.fromEntries(FAULT_KEYS.map((k) => [k, options[k]])) as unknown as FaultOptions;
}

/** Validates and applies a partial fault set; throws a message naming the flag on bad input. */
export function applyFaults(faults: FaultOptions, options: SimOptions, f: Partial<FaultOptions>) {
  const unknown = Object.keys(f).filter((k) => !(FAULT_KEYS as readonly string[]).includes(k));
  if (unknown.length) throw new Error(`unknown fault(s): ${unknown.join(", ")}; known: ${FAULT_KEYS.join(", ")}`);
  Object.assign(faults, validateOptions(f));
  // The engine reads the slowdown from the shared options at every step.
  options.slowdown = faults.slowdown;
}

/** Seeded uniform [0,1) from a counter: repeatable error draws and output lengths. */
export function unit(seed: number, n: number): number {
  let x = (Math.imul(seed ^ 0x5bd1e995, 0x27d4eb2d) + Math.imul(n, 0x165667b1)) >>> 0;
  x ^= x >>> 15;
  x = Math.imul(x, 0x2c1b3c6d) >>> 0;
  x ^= x >>> 12;
  return (x >>> 0) / 2 ** 32;
}

/** The error answer of generation request `n` when the error fault draws it (a share `errorRate`), else undefined. */
export function injectedError(faults: FaultOptions, seed: number, n: number): HttpError | undefined {
  if (!(faults.errorRate > 0 && unit(seed + 7, n) < faults.errorRate)) return undefined;
  const message = `Injected fault: simulated server error (${faults.errorStatus}).`;
  return new HttpError(faults.errorStatus, message, "InternalServerError");
}
