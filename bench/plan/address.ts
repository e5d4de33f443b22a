import * as dns from "node:dns/promises";
import { isIP } from "node:net";

// One replica behind a name: a headless Service's DNS name answers with every ready pod's
// address. Resolving it once and sending every request to the first address plans against one
// pod; a ClusterIP Service name would resolve to the Service address and spread the load.

export async function pinOneAddress(
  baseUrl: string,
  readyTimeoutS: number,
  log: (l: string) => void,
  signal?: AbortSignal,
): Promise<string> {
  const url = new URL(baseUrl);
  if (isIP(url.hostname.replace(/^\[|\]$/g, ""))) return baseUrl;
  const until = Date.now() + readyTimeoutS * 1000;
  for (;;) {
    try {
      const addrs = await dns.lookup(url.hostname, { all: true });
      const first = addrs[0];
      url.hostname = first.family === 6 ? `[${first.address}]` : first.address;
      log(
        `--one-address: ${new URL(baseUrl).hostname} has ${addrs.length} address(es) [${addrs.map((a) => a.address).join(", ")}]; planning against ${first.address} only.`,
      );
      return url.toString().replace(/\/$/, "");
    } catch (e) {
      if (Date.now() >= until || signal?.aborted)
        throw new Error(
          `--one-address: ${url.hostname} does not resolve (${(e as Error).message}); is a vLLM pod ready? Wait longer with --ready-timeout`,
          { cause: e },
        );
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}
