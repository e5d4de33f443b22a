import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { UsageError } from "../../infra/config-file";
import { ConfigError } from "../../infra/config-load";
import { buildGraph, readStackFile } from "../../scripts/graph/build";
import { GraphMocks } from "../../scripts/graph/mocks";

// The corpus of broken stack files (test/fixtures/bad-stacks), each with the line it must produce
// (expectations.json: the key named and what the message says). Each goes through what
// `npm run graph` and `pulumi up` run — the stack file reader, then the real program under mocks —
// and must be refused before the first resource, with no stack trace in the message.
const dir = path.resolve(import.meta.dirname, "../fixtures/bad-stacks");
const expectations: Record<string, { key?: string; says: string }> = JSON.parse(
  fs.readFileSync(path.join(dir, "expectations.json"), "utf8"),
);
const newResource = vi.spyOn(GraphMocks.prototype, "newResource");
const refused: string[] = [];

async function refusal(file: string): Promise<Error> {
  try {
    await buildGraph(readStackFile(file));
  } catch (e) {
    return e as Error;
  }
  throw new Error(`${path.basename(file)} was accepted`);
}

describe("broken stack files", () => {
  it("every file has an expectation and every expectation a file; at least 100 of them", () => {
    const files = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith(".yaml"))
      .sort();
    expect(files).toEqual(Object.keys(expectations).sort());
    expect(files.length).toBeGreaterThanOrEqual(100);
  });

  it.each(Object.entries(expectations))(
    "%s is refused before any resource, naming the problem",
    async (file, { key, says }) => {
      newResource.mockClear();
      const err = await refusal(path.join(dir, file));
      expect(newResource).not.toHaveBeenCalled();
      expect(err.message).not.toMatch(/\n\s+at /);
      if (key) {
        expect(err).toBeInstanceOf(ConfigError);
        const lines = err.message.split("\n").slice(1);
        expect(
          lines.some((l) => l.startsWith(`  - ${key}: `) && l.includes(says)),
          err.message,
        ).toBe(true);
      } else {
        expect(err).toBeInstanceOf(UsageError);
        expect(err.message).not.toContain("\n");
        expect(err.message).toContain(`${file}`);
        expect(err.message).toContain(says);
      }
      refused.push(file);
    },
  );

  afterAll(() =>
    console.log(
      `bad-stacks corpus: ${refused.length} of ${Object.keys(expectations).length} broken stack files refused before any resource`,
    ),
  );
});
