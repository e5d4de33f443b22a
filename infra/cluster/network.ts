import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { clusterTag } from "./tags";

export interface NetworkArgs {
  /** The VPC's CIDR, cut into 16 equal subnets (`subnetCidr`). `network.vpcCidr`, default `10.0.0.0/16`. */
  vpcCidr: string;
  /** Availability zones to spread subnets over (2-4). `network.azCount`, default 3. */
  azCount: number;
  /** `single` NAT gateway (cheaper) or `onePerAz` (survives an AZ outage). `network.natGateways`, default `single`. */
  natGateways: "single" | "onePerAz";
}

export interface Network {
  vpcId: pulumi.Output<string>;
  publicSubnetIds: pulumi.Output<string>[];
  privateSubnetIds: pulumi.Output<string>[];
}

/** Split a /N VPC CIDR into /N+4 subnets: 16 slots, public ones first, private after. */
export function subnetCidr(vpcCidr: string, index: number): string {
  const [addr, bits] = vpcCidr.split("/");
  const prefix = Number(bits) + 4;
  const base = addr.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
  const start = base + index * 2 ** (32 - prefix);
  const octets = [24, 16, 8, 0].map((s) => Math.floor(start / 2 ** s) % 256);
  return `${octets.join(".")}/${prefix}`;
}

/**
 * VPC with a public and a private subnet per AZ. Nodes go in the private subnets; the public
 * ones hold NAT gateways and (only if a user asks for one) load balancers. Subnet tags tell
 * the AWS load balancer integrations which subnets to use.
 */
export function createNetwork(name: string, network: NetworkArgs, parent: pulumi.Resource): Network {
  const opts = { parent };
  const tags = clusterTag(name);
  const azs = aws.getAvailabilityZonesOutput({ state: "available" }, opts);

  const vpc = new aws.ec2.Vpc(
    `${name}-vpc`,
    {
      cidrBlock: network.vpcCidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { ...tags, Name: `${name}-vpc` },
    },
    opts,
  );
  const igw = new aws.ec2.InternetGateway(
    `${name}-igw`,
    { vpcId: vpc.id, tags: { ...tags, Name: `${name}-igw` } },
    opts,
  );

  const publicRt = new aws.ec2.RouteTable(
    `${name}-public`,
    {
      vpcId: vpc.id,
      routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }],
      tags: { ...tags, Name: `${name}-public` },
    },
    opts,
  );

  const k8sClusterTag = { [`kubernetes.io/cluster/${name}`]: "shared" };
  const publicSubnets: aws.ec2.Subnet[] = [];
  const privateSubnets: aws.ec2.Subnet[] = [];
  const natIds: pulumi.Output<string>[] = [];
  for (let i = 0; i < network.azCount; i++) {
    const az = azs.names[i];
    const pub = new aws.ec2.Subnet(
      `${name}-public-${i}`,
      {
        vpcId: vpc.id,
        availabilityZone: az,
        cidrBlock: subnetCidr(network.vpcCidr, i),
        mapPublicIpOnLaunch: false,
        tags: {
          ...tags,
          ...k8sClusterTag,
          Name: `${name}-public-${i}`,
          "kubernetes.io/role/elb": "1",
          "vllm-k8s.io/subnet-tier": "public",
        },
      },
      opts,
    );
    new aws.ec2.RouteTableAssociation(`${name}-public-${i}`, { subnetId: pub.id, routeTableId: publicRt.id }, opts);
    publicSubnets.push(pub);

    if (i === 0 || network.natGateways === "onePerAz") {
      const eip = new aws.ec2.Eip(
        `${name}-nat-${i}`,
        { domain: "vpc", tags: { ...tags, Name: `${name}-nat-${i}` } },
        opts,
      );
      const nat = new aws.ec2.NatGateway(
        `${name}-nat-${i}`,
        {
          allocationId: eip.id,
          subnetId: pub.id,
          tags: { ...tags, Name: `${name}-nat-${i}` },
        },
        { parent, dependsOn: [igw] },
      );
      natIds.push(nat.id);
    }

    const priv = new aws.ec2.Subnet(
      `${name}-private-${i}`,
      {
        vpcId: vpc.id,
        availabilityZone: az,
        cidrBlock: subnetCidr(network.vpcCidr, 8 + i),
        mapPublicIpOnLaunch: false,
        tags: {
          ...tags,
          ...k8sClusterTag,
          Name: `${name}-private-${i}`,
          "kubernetes.io/role/internal-elb": "1",
          "vllm-k8s.io/subnet-tier": "private",
        },
      },
      opts,
    );
    const privateRt = new aws.ec2.RouteTable(
      `${name}-private-${i}`,
      {
        vpcId: vpc.id,
        routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: natIds[natIds.length - 1] }],
        tags: { ...tags, Name: `${name}-private-${i}` },
      },
      opts,
    );
    new aws.ec2.RouteTableAssociation(`${name}-private-${i}`, { subnetId: priv.id, routeTableId: privateRt.id }, opts);
    privateSubnets.push(priv);
  }

  return {
    vpcId: vpc.id,
    publicSubnetIds: publicSubnets.map((s) => s.id),
    privateSubnetIds: privateSubnets.map((s) => s.id),
  };
}
