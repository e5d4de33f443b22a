import { Region, ec2 } from "@pulumi/aws/types/enums";
import { z } from "zod";
import { closest } from "./config-suggest";

// AWS names the stack config may use, from the enums of the pinned @pulumi/aws (package.json);
// a new region or instance type becomes usable when that pin is raised.

export const awsRegions: readonly string[] = Object.values(Region);
export const ec2InstanceTypes: readonly string[] = Object.values(ec2.InstanceType);
const instanceTypeSet = new Set(ec2InstanceTypes);

const hint = (word: string, known: readonly string[]) => {
  const near = closest(word, known, 2);
  return near ? ` Did you mean ${near}?` : "";
};

export const awsRegion = z.string().superRefine((v, ctx) => {
  if (!awsRegions.includes(v))
    ctx.addIssue({
      code: "custom",
      message: `${JSON.stringify(v)} is not an AWS region.${hint(v, awsRegions) || " Use one such as us-west-2"}`,
    });
});

export const ec2InstanceType = z.string().superRefine((v, ctx) => {
  if (!instanceTypeSet.has(v))
    ctx.addIssue({
      code: "custom",
      message: `${JSON.stringify(v)} is not an EC2 instance type.${hint(v, ec2InstanceTypes) || " Use one such as g6.xlarge or m6i.large"}`,
    });
});
