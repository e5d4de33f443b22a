import * as pulumi from "@pulumi/pulumi";
import { deserializeProperties, isRpcSecret } from "@pulumi/pulumi/runtime/rpc";
import * as settings from "@pulumi/pulumi/runtime/settings";
import { SECRET, UNKNOWN, type GraphNode } from "../../policy/model";

// Both exist at run time; waitForRPCs is missing from the SDK typings.
const { getMonitor } = settings;
const waitForRPCs = (settings as unknown as { waitForRPCs: () => Promise<void> }).waitForRPCs;

async function scrub(value: unknown, path: string, secrets: string[]): Promise<unknown> {
  if (isRpcSecret(value)) {
    secrets.push(path);
    return SECRET;
  }
  // Values that carry dependencies arrive as Output objects (already resolved under mocks).
  if (pulumi.Output.isInstance(value)) {
    const out = value as any;
    if (await out.isSecret) {
      secrets.push(path);
      return SECRET;
    }
    return (await out.isKnown) ? scrub(await out.promise(), path, secrets) : UNKNOWN;
  }
  if (Array.isArray(value)) return Promise.all(value.map((v, i) => scrub(v, `${path}[${i}]`, secrets)));
  if (value && typeof value === "object") {
    // Resources passed as inputs arrive as live objects: keep their name only.
    if (pulumi.Resource.isInstance(value)) return { resource: (value as any).__name };
    const entries = await Promise.all(
      Object.entries(value).map(async ([k, v]) => [k, await scrub(v, path ? `${path}.${k}` : k, secrets)] as const),
    );
    return Object.fromEntries(entries);
  }
  return value;
}

/**
 * Wrap the mock monitor so every registration is recorded with its parent and dependencies
 * (the mocks' newResource callback sees neither). Call right after `setMocks`.
 */
export function recordRegistrations(): { nodes: () => Promise<GraphNode[]>; settle: () => Promise<void> } {
  const monitor: any = getMonitor();
  const raw: {
    urn: string;
    id: string;
    type: string;
    name: string;
    parentUrn: string;
    custom: boolean;
    inputs: any;
    deps: string[];
  }[] = [];
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: (err: any, resp: any) => void) => {
    const entry = {
      urn: "",
      id: "",
      type: req.getType() as string,
      name: req.getName() as string,
      parentUrn: req.getParent() as string,
      custom: req.getCustom() as boolean,
      inputs: deserializeProperties(req.getObject(), true),
      deps: req.getDependenciesList() as string[],
    };
    raw.push(entry);
    return original(req, (err: any, resp: any) => {
      if (resp) {
        entry.urn = resp.getUrn();
        entry.id = resp.getId();
      }
      callback(err, resp);
    });
  };

  const nodes = async (): Promise<GraphNode[]> => {
    const byUrn = new Map(raw.map((r) => [r.urn, r]));
    return Promise.all(
      raw.map(async (r) => {
        const parent = byUrn.get(r.parentUrn);
        const secretInputs: string[] = [];
        const inputs = (await scrub(r.inputs, "", secretInputs)) as Record<string, any>;
        return {
          urn: r.urn,
          id: r.id,
          type: r.type,
          name: r.name,
          parent: parent?.name,
          parentType: parent?.type,
          custom: r.custom,
          inputs,
          secretInputs,
          dependencies: [...new Set(r.deps.map((d) => byUrn.get(d)?.name ?? d))],
        };
      }),
    );
  };

  // Registrations made inside apply() callbacks start late: wait until nothing is in flight.
  const settle = async () => {
    let seen = -1;
    while (seen !== raw.length) {
      seen = raw.length;
      await waitForRPCs();
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { nodes, settle };
}
