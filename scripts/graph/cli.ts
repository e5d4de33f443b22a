// `npm run graph [-- --stack Pulumi.<name>.yaml] [--json]`: what `pulumi up` would create,
// computed offline under Pulumi's mocks (no AWS account, no Pulumi CLI).
import { cliFailure } from "../../infra/config-file";
import { buildGraph, readStackFile, stackFileArgs } from "./build";
import { SECRET, type GraphNode } from "../../policy/model";

const USAGE = "Usage: npm run graph -- [--stack Pulumi.<stack>.yaml] [--json]";

const KEY_INPUTS: Record<string, string[]> = {
  "eks:index:Cluster": [
    "name",
    "version",
    "endpointPublicAccess",
    "publicAccessCidrs",
    "encryptionConfigKeyArn",
    "createOidcProvider",
  ],
  "eks:index:ManagedNodeGroup": ["amiType", "instanceTypes", "scalingConfig", "taints", "labels"],
  "aws:ec2/vpc:Vpc": ["cidrBlock"],
  "aws:ec2/subnet:Subnet": ["cidrBlock", "availabilityZone"],
  "aws:autoscaling/tag:Tag": ["tag"],
  "kubernetes:helm.sh/v3:Release": ["chart", "version", "namespace"],
  "kubernetes:helm.sh/v4:Chart": ["chart", "version", "namespace"],
};

function summary(n: GraphNode): string {
  const keys = KEY_INPUTS[n.type] ?? [];
  const parts = keys.filter((k) => n.inputs[k] !== undefined).map((k) => `${k}=${JSON.stringify(n.inputs[k])}`);
  return parts.length ? `  ${parts.join(" ")}` : "";
}

function printTree(nodes: GraphNode[]): void {
  const children = new Map<string | undefined, GraphNode[]>();
  for (const n of nodes) {
    const key =
      n.parent && nodes.some((p) => p.name === n.parent && p.type === n.parentType)
        ? `${n.parentType}::${n.parent}`
        : undefined;
    children.set(key, [...(children.get(key) ?? []), n]);
  }
  const walk = (key: string | undefined, depth: number) => {
    for (const n of children.get(key) ?? []) {
      console.log(`${"  ".repeat(depth)}${n.type}  ${n.name}${summary(n)}`);
      walk(`${n.type}::${n.name}`, depth + 1);
    }
  };
  walk(undefined, 0);
}

async function main() {
  const values = stackFileArgs(
    `${USAGE}\n\nThe resource graph the stack would create, built offline under Pulumi's mocks (no AWS, no\nPulumi CLI): a tree of resources, or --json for every resource's type, name, parent and inputs.`,
  );
  if (!values) return;
  const graph = await buildGraph(readStackFile(values.stack));
  if (values.json) {
    process.stdout.write(
      JSON.stringify(
        graph.nodes.map(({ type, name, parent, inputs }) => ({ type, name, parent, inputs })),
        null,
        2,
      ) + "\n",
    );
  } else {
    printTree(graph.nodes);
    const shown = Object.fromEntries(
      Object.entries(graph.outputs).map(([k, v]) => [k, graph.secretOutputs.includes(k) ? SECRET : v]),
    );
    console.log(`\n${graph.nodes.length} resources; outputs: ${JSON.stringify(shown)}`);
  }
}

// Exit explicitly (mocked Pulumi runtimes keep handles open), but only once stdout has drained:
// a piped `--json` would otherwise be cut at the pipe buffer (64 KiB).
main().then(
  () => process.stdout.write("", () => process.exit(0)),
  (err) => {
    const { message, code } = cliFailure(err, USAGE);
    console.error(message);
    process.exit(code);
  },
);
