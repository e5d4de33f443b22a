import type * as pulumi from "@pulumi/pulumi";

// Pulumi unit-test mocks standing in for AWS and the Pulumi engine (nothing else is mocked).
// Outputs look like what AWS returns (ARNs, ids, a kubeconfig) so downstream code runs.

export const MOCK_ACCOUNT = "123456789012";

const hash = (s: string) => {
  let h = 2166136261;
  for (const c of s) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return h.toString(16).padStart(8, "0");
};

function kubeconfigFor(clusterName: string, endpoint: string) {
  return {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: clusterName, cluster: { server: endpoint, "certificate-authority-data": "bW9jaw==" } }],
    contexts: [{ name: clusterName, context: { cluster: clusterName, user: clusterName } }],
    "current-context": clusterName,
    users: [
      {
        name: clusterName,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "aws",
            args: ["eks", "get-token", "--cluster-name", clusterName, "--output", "json"],
          },
        },
      },
    ],
  };
}

export class GraphMocks implements pulumi.runtime.Mocks {
  constructor(private readonly region: string) {}

  private arn(service: string, resource: string, global = false) {
    return `arn:aws:${service}:${global ? "" : this.region}:${MOCK_ACCOUNT}:${resource}`;
  }

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
    const { type, name, inputs } = args;
    const id = `${name}-${hash(type + name)}`;
    const state: Record<string, unknown> = { ...inputs };
    switch (type) {
      case "eks:index:Cluster": {
        const clusterName = inputs.name ?? name;
        const endpoint = `https://${hash(clusterName).toUpperCase()}.gr7.${this.region}.eks.amazonaws.com`;
        const issuer = `oidc.eks.${this.region}.amazonaws.com/id/${hash(clusterName + "oidc").toUpperCase()}`;
        const kubeconfig = kubeconfigFor(clusterName, endpoint);
        Object.assign(state, {
          kubeconfig,
          kubeconfigJson: JSON.stringify(kubeconfig),
          oidcIssuer: `https://${issuer}`,
          oidcProviderUrl: issuer,
          oidcProviderArn: this.arn("iam", `oidc-provider/${issuer}`, true),
          clusterSecurityGroupId: `sg-${hash(name + "cluster")}`,
          nodeSecurityGroupId: `sg-${hash(name + "node")}`,
          core: { cluster: { name: clusterName, endpoint } },
          eksCluster: { vpcConfig: { clusterSecurityGroupId: `sg-${hash(name + "eks-cluster")}` } },
        });
        break;
      }
      case "eks:index:ManagedNodeGroup": {
        const groupName = inputs.nodeGroupName ?? name;
        state.nodeGroup = {
          nodeGroupName: groupName,
          arn: this.arn("eks", `nodegroup/${inputs.cluster?.name ?? "cluster"}/${groupName}/${hash(groupName)}`),
          resources: [
            { autoscalingGroups: [{ name: `eks-${groupName}-${hash(groupName)}` }], remoteAccessSecurityGroupId: "" },
          ],
        };
        break;
      }
      case "aws:iam/role:Role":
        Object.assign(state, { arn: this.arn("iam", `role/${inputs.name ?? id}`, true), name: inputs.name ?? id });
        break;
      case "aws:iam/policy:Policy":
        Object.assign(state, { arn: this.arn("iam", `policy/${inputs.name ?? id}`, true) });
        break;
      case "aws:kms/key:Key":
        Object.assign(state, {
          arn: this.arn("kms", `key/${hash(name)}-0000-4000-8000-${hash(name + "k")}0000`),
          keyId: id,
        });
        break;
      case "aws:ec2/launchTemplate:LaunchTemplate":
        Object.assign(state, { latestVersion: 1, defaultVersion: 1 });
        break;
      case "aws:efs/fileSystem:FileSystem":
        return {
          id: `fs-${hash(name)}`,
          state: { ...state, arn: this.arn("elasticfilesystem", `file-system/fs-${hash(name)}`) },
        };
      case "aws:ec2/vpc:Vpc":
        return { id: `vpc-${hash(name)}`, state: { ...state, arn: this.arn("ec2", `vpc/vpc-${hash(name)}`) } };
      case "aws:ec2/subnet:Subnet":
        return { id: `subnet-${hash(name)}`, state: { ...state, arn: this.arn("ec2", `subnet/subnet-${hash(name)}`) } };
      case "aws:ecr/repository:Repository":
        Object.assign(state, {
          repositoryUrl: `${MOCK_ACCOUNT}.dkr.ecr.${this.region}.amazonaws.com/${inputs.name ?? name}`,
          arn: this.arn("ecr", `repository/${inputs.name ?? name}`),
        });
        break;
      case "docker-build:index:Image":
        Object.assign(state, {
          digest: `sha256:${hash(name).repeat(8)}`,
          ref: `${inputs.tags?.[0] ?? name}@sha256:${hash(name).repeat(8)}`,
        });
        break;
      case "random:index/randomPassword:RandomPassword":
        Object.assign(state, { result: `mock-${hash(name)}${hash(name + "p")}` });
        break;
      default:
        if (type.startsWith("aws:") && state.arn === undefined)
          state.arn = this.arn(type.split(":")[1].split("/")[0], `${name}`);
    }
    return { id, state };
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    const { token, inputs } = args;
    switch (token) {
      case "aws:index/getAvailabilityZones:getAvailabilityZones": {
        const names = ["a", "b", "c", "d"].map((s) => `${this.region}${s}`);
        return { names, zoneIds: names.map((_, i) => `usw2-az${i + 1}`), id: this.region };
      }
      case "aws:index/getCallerIdentity:getCallerIdentity":
        return {
          accountId: MOCK_ACCOUNT,
          arn: this.arn("iam", "user/mock", true),
          userId: "AIDAMOCK",
          id: MOCK_ACCOUNT,
        };
      case "aws:index/getPartition:getPartition":
        return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
      case "aws:ecr/getAuthorizationToken:getAuthorizationToken":
        return {
          userName: "AWS",
          password: "mock-ecr-token",
          authorizationToken: "QVdTOm1vY2s=",
          proxyEndpoint: `https://${MOCK_ACCOUNT}.dkr.ecr.${this.region}.amazonaws.com`,
          id: this.region,
        };
      case "aws:eks/getAddonVersion:getAddonVersion":
        return { ...inputs, version: "v1.48.0-eksbuild.1", id: inputs.addonName };
      case "aws:index/getRegion:getRegion":
        return { name: this.region, region: this.region, id: this.region };
      case "aws:eks/getNodeGroup:getNodeGroup":
        return {
          ...inputs,
          resources: [
            {
              autoscalingGroups: [{ name: `eks-${inputs.nodeGroupName}-${hash(inputs.nodeGroupName)}` }],
              remoteAccessSecurityGroupId: "",
            },
          ],
        };
      default:
        return { ...inputs };
    }
  }
}
