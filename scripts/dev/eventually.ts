import { inspect } from "node:util";

/** A check's throw for the timeout message: an Error as `Name: message`, another object inspected, the rest as text. */
function describeThrow(e: unknown): string {
  if (e instanceof Error) return e.toString();
  return typeof e === "object" && e !== null ? inspect(e) : String(e);
}

/**
 * Polls `check` until it returns a truthy value, and returns it. A false or undefined result, or
 * a throw, counts as "not yet"; past the timeout the error names `what` and the last throw.
 */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 25_000,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${describeThrow(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
