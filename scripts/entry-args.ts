// The flags of an npm entry point (`npm run bench:*`; monitoring/export.ts inlines the same): `--help` prints the
// usage and exits 0 before any work starts; an unknown flag or a stray argument is one line and
// exit 2, never a stack trace from parseArgs.
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";

type Values<T extends ParseArgsOptionsConfig> = ReturnType<typeof parseArgs<{ options: T; strict: true }>>["values"];

export function entryArgs<T extends ParseArgsOptionsConfig>(usage: string, options: T): Values<T> {
  let values: Values<T> & { help?: boolean };
  try {
    values = parseArgs({ options: { ...options, help: { type: "boolean", short: "h" } }, strict: true }).values;
  } catch (e) {
    console.error(`${(e as Error).message.split("\n")[0].replace(/\.$/, "")}. ${usage.split("\n")[0]}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  return values;
}
