// CIDR arithmetic shared by the stack-config checks (infra/config-security.ts) and the policy
// rules, so both judge an allow-list the same way: by how many public addresses it admits, with
// overlapping and adjacent ranges merged first (so no split or repetition changes the count).

/**
 * The most public IPv4 addresses an allow-list of ours may admit: 65,536, a /16. CIS EKS v1.0.1
 * 5.4.1 and the EKS Best Practices guide (Security, "Cluster access": restrict the public endpoint
 * to known CIDRs) ask for the addresses you know, i.e. your own egress: office and VPN gateways, a
 * CI runner's NAT. A single organisation's egress rarely spans more than one /16; a list wider
 * than that admits networks nobody vetted (a /2 is a quarter of the internet).
 */
export const MAX_PUBLIC_ADDRESSES = 2 ** 16;

/**
 * Ranges that are not public internet (RFC 1918 private, RFC 6598 shared, loopback, link-local):
 * they reach an internal load balancer or a private endpoint only, so they do not count.
 */
const NOT_PUBLIC = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16"];

type Range = readonly [start: number, end: number];

/**
 * [start, end) of an IPv4 CIDR, or undefined. Dotted quads are read as decimal even with leading
 * zeros, as Kubernetes' and Go's sloppy parsers do (the stack config refuses such spellings).
 */
export function cidrRange(cidr: string): Range | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (octets.some((o) => o > 255) || bits > 32) return undefined;
  const size = 2 ** (32 - bits);
  const start = Math.floor(octets.reduce((a, o) => a * 256 + o, 0) / size) * size;
  return [start, start + size];
}

/** Ranges sorted and merged (overlapping or adjacent ones joined). */
function merge(ranges: readonly Range[]): Range[] {
  const out: [number, number][] = [];
  for (const [s, e] of [...ranges].sort((a, b) => a[0] - b[0])) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

const size = (rs: readonly Range[]) => rs.reduce((n, [s, e]) => n + e - s, 0);

/** IPv4 addresses a CIDR list admits, each counted once (IPv6 and unreadable entries are skipped). */
export const ipv4AddressCount = (cidrs: readonly string[]) =>
  size(merge(cidrs.map(cidrRange).filter((r): r is Range => !!r)));

/** Public IPv4 addresses a CIDR list admits, each counted once. */
export function publicAddressCount(cidrs: readonly string[]): number {
  const all = merge(cidrs.map(cidrRange).filter((r): r is Range => !!r));
  const inside = merge(NOT_PUBLIC.map((c) => cidrRange(c)!));
  let overlap = 0;
  for (const [s, e] of all) for (const [is, ie] of inside) overlap += Math.max(0, Math.min(e, ie) - Math.max(s, is));
  return size(all) - overlap;
}

/** A list admitting more public addresses than MAX_PUBLIC_ADDRESSES, however it is split. */
export const tooBroad = (cidrs: readonly string[]) => publicAddressCount(cidrs) > MAX_PUBLIC_ADDRESSES;

/** "1,048,576 public addresses" — how a message states a list's size. */
export const describeBreadth = (cidrs: readonly string[]) =>
  `${publicAddressCount(cidrs).toLocaleString("en-US")} public addresses (the limit is ${MAX_PUBLIC_ADDRESSES.toLocaleString("en-US")}, a /16)`;
