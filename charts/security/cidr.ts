import ipaddr from "ipaddr.js";

// CIDR arithmetic shared by the stack-config checks (infra/config-security.ts) and the policy
// rules, so both read "the internet" the same way.

/** Half of the IPv4 space or more: a list this wide is "the internet", however it is split. */
const INTERNET_SHARE = 0.5;

/**
 * Fraction of the IPv4 address space a CIDR list covers (overlaps counted once), so
 * ["0.0.0.0/1", "128.0.0.0/1"] is recognised as the whole internet just as "0.0.0.0/0" is.
 */
export function ipv4Coverage(cidrs: readonly string[]): number {
  const ranges = cidrs
    .filter((c) => ipaddr.IPv4.isValidCIDR(c))
    .map((c) => {
      const [addr, bits] = ipaddr.IPv4.parseCIDR(c);
      const size = 2 ** (32 - bits);
      const start = Math.floor(addr.toByteArray().reduce((a, o) => a * 256 + o, 0) / size) * size;
      return [start, start + size] as const;
    })
    .sort((a, b) => a[0] - b[0]);
  let covered = 0;
  let end = 0;
  for (const [s, e] of ranges) {
    if (e <= end) continue;
    covered += e - Math.max(s, end);
    end = e;
  }
  return covered / 2 ** 32;
}

export const coversInternet = (cidrs: readonly string[]) => ipv4Coverage(cidrs) >= INTERNET_SHARE;
