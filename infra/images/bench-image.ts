import * as aws from "@pulumi/aws";
import * as dockerBuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";

export interface BenchImageArgs {
  /** Cluster name: the ECR repository is `<clusterName>/vllm-bench`. Stack config `cluster.name`, default `vllm`. */
  clusterName: string;
  /** Repository root: the Dockerfile is bench/Dockerfile and the build context is the root. Required. */
  repoRoot: string;
}

/** The part of package.json read here: the version tags the image. */
const packageJson = z.object({ version: z.string() });

/**
 * Optional (`benchmark.buildImage`): an ECR repository and the benchmark/simulator image built
 * from bench/Dockerfile and pushed to it. Workloads use the pushed digest, so a rebuild is a
 * rollout and a tag can never change under a running Job. `forceDelete` lets `pulumi destroy`
 * remove the repository with its images instead of failing on a non-empty one.
 */
export class BenchImage extends pulumi.ComponentResource {
  /** `<repository>@sha256:<digest>` of the pushed image. */
  readonly ref: pulumi.Output<string>;

  constructor(name: string, args: BenchImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("vllm-k8s:images:BenchImage", name, {}, opts);
    const repo = new aws.ecr.Repository(
      `${args.clusterName}-vllm-bench`,
      {
        name: `${args.clusterName}/vllm-bench`,
        imageTagMutability: "MUTABLE",
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfigurations: [{ encryptionType: "AES256" }],
        forceDelete: true,
      },
      { parent: this },
    );
    new aws.ecr.LifecyclePolicy(
      `${args.clusterName}-vllm-bench`,
      {
        repository: repo.name,
        policy: JSON.stringify({
          rules: [
            {
              rulePriority: 1,
              description: "keep the last 10 images",
              selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 10 },
              action: { type: "expire" },
            },
          ],
        }),
      },
      { parent: this },
    );

    const { version } = packageJson.parse(
      JSON.parse(fs.readFileSync(path.join(args.repoRoot, "package.json"), "utf8")),
    );
    const auth = aws.ecr.getAuthorizationTokenOutput({ registryId: repo.registryId }, { parent: this });
    const image = new dockerBuild.Image(
      `${args.clusterName}-vllm-bench`,
      {
        context: { location: args.repoRoot },
        dockerfile: { location: path.join(args.repoRoot, "bench/Dockerfile") },
        platforms: ["linux/amd64"],
        push: true,
        tags: [pulumi.interpolate`${repo.repositoryUrl}:${version}`],
        registries: [{ address: repo.repositoryUrl, username: auth.userName, password: pulumi.secret(auth.password) }],
      },
      { parent: this },
    );
    this.ref = pulumi.interpolate`${repo.repositoryUrl}@${image.digest}`;
    this.registerOutputs({ repositoryUrl: repo.repositoryUrl, ref: this.ref });
  }
}
