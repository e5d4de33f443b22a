import ipaddr from "ipaddr.js";
import { z } from "zod";

// IPv4 CIDR checks for the stack config, with ipaddr.js doing the address arithmetic.

/** What is wrong with an IPv4 CIDR string, or undefined when it is a valid network. */
export function ipv4CidrProblem(value: string): string | undefined {
  const m = /^([^/\s]+)\/(\d{1,3})$/.exec(value);
  if (!m) return "must be an IPv4 CIDR such as 203.0.113.4/32";
  const [, addr, bits] = m as unknown as [string, string, string];
  // inet_aton (and ipaddr.parse) read 010 as octal 8, Go and Kubernetes as decimal 10: one spelling only.
  if (/^\d+(\.\d+){3}$/.test(addr) && addr.split(".").some((o) => /^0\d/.test(o)))
    return `${addr} has leading zeros, which some parsers read as octal (010 = 8) and others as decimal; write ${addr
      .split(".")
      .map((o) => String(Number(o)))
      .join(".")}/${Number(bits)}`;
  // Four decimal parts only: ipaddr.parse would also take "10.1" or octal/hex forms.
  if (!ipaddr.IPv4.isValidFourPartDecimal(addr))
    return `${addr} is not an IPv4 address (four numbers 0-255, e.g. 203.0.113.4/32)`;
  const prefix = Number(bits);
  if (prefix > 32) return `prefix /${prefix} is over /32 (an IPv4 prefix is 0-32)`;
  const network = ipaddr.IPv4.networkAddressFromCIDR(value).toString();
  if (network !== addr)
    return `has host bits set; write the network ${network}/${prefix}${prefix < 32 ? ` (or ${addr}/32 for that one address)` : ""}`;
  return undefined;
}

export const ipv4Cidr = z.string().superRefine((v, ctx) => {
  const problem = ipv4CidrProblem(v);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

// AWS VPC facts (Amazon VPC User Guide, "VPC CIDR blocks" and "Subnet CIDR blocks", read late 2026):
// an IPv4 VPC or subnet block is /16 to /28, and AWS reserves the first four and the last address
// of every subnet.
const AWS_MIN_PREFIX = 16;
const AWS_MAX_PREFIX = 28;
const AWS_RESERVED_PER_SUBNET = 5;
/**
 * infra/cluster/network.ts cuts the VPC into 16 equal slots (prefix + 4); a test keeps the two in step.
 */
export const SUBNET_EXTRA_BITS = 4;
/**
 * Addresses budgeted per node in its private subnet: the node's own plus its pods', since the
 * Amazon VPC CNI gives every pod an address from the node's subnet (and keeps a warm pool).
 * Our choice, sized for the pods a system or single-GPU node runs.
 */
export const ADDRESSES_PER_NODE = 32;

/** Usable addresses of each subnet network.ts cuts from `vpcCidr`. */
export function usableSubnetAddresses(vpcCidr: string): number {
  const prefix = ipaddr.IPv4.parseCIDR(vpcCidr)[1] + SUBNET_EXTRA_BITS;
  return 2 ** (32 - prefix) - AWS_RESERVED_PER_SUBNET;
}

/** Problems of a VPC CIDR (already a valid CIDR) for `nodes` nodes spread over `azCount` private subnets. */
export function vpcCidrProblem(vpcCidr: string, azCount: number, nodes: number): string | undefined {
  const [addr, prefix] = ipaddr.IPv4.parseCIDR(vpcCidr);
  const range = addr.range();
  if (["unspecified", "broadcast", "multicast", "linkLocal", "loopback"].includes(range))
    return `${vpcCidr} is in the ${range} range, which a VPC cannot use. Use a private range such as 10.0.0.0/16`;
  if (prefix < AWS_MIN_PREFIX || prefix + SUBNET_EXTRA_BITS > AWS_MAX_PREFIX)
    return `/${prefix} is out of range: AWS takes VPC and subnet blocks of /${AWS_MIN_PREFIX} to /${AWS_MAX_PREFIX}, and the subnets are /${prefix + SUBNET_EXTRA_BITS} (the VPC prefix + ${SUBNET_EXTRA_BITS}). Use a prefix from /${AWS_MIN_PREFIX} to /${AWS_MAX_PREFIX - SUBNET_EXTRA_BITS}, e.g. 10.0.0.0/16`;
  const perSubnet = Math.ceil(nodes / azCount);
  const usable = usableSubnetAddresses(vpcCidr);
  if (usable < perSubnet * ADDRESSES_PER_NODE) {
    const needPrefix =
      32 - Math.ceil(Math.log2(perSubnet * ADDRESSES_PER_NODE + AWS_RESERVED_PER_SUBNET)) - SUBNET_EXTRA_BITS;
    const fix =
      needPrefix >= AWS_MIN_PREFIX
        ? `Use a /${needPrefix} or larger VPC, e.g. 10.0.0.0/16`
        : "Even a /16 is too small: lower systemNodes.maxSize or gpuNodes.maxSize, or raise network.azCount";
    return `its /${prefix + SUBNET_EXTRA_BITS} private subnets hold ${usable} usable addresses each, too few for ${perSubnet} node(s) per AZ (${nodes} at max size over ${azCount} AZs) at ${ADDRESSES_PER_NODE} addresses per node and its pods. ${fix}`;
  }
  return undefined;
}
