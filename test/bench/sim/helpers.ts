import { startSimulator, type RunningSimulator, type SimOptions } from "../../../bench/sim";

export async function withSim(opts: Partial<SimOptions>) {
  return startSimulator({ host: "127.0.0.1", port: 0, ...opts });
}

export async function post(sim: RunningSimulator, path: string, body: unknown) {
  return fetch(sim.url + path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** Stream a chat completion and time every content chunk (ms since the POST). */
export async function timedStream(sim: RunningSimulator, maxTokens: number, prompt = "hello world") {
  const start = performance.now();
  const res = await post(sim, "/v1/chat/completions", {
    messages: [{ role: "user", content: prompt }],
    max_tokens: maxTokens,
    ignore_eos: true,
    stream: true,
  });
  const times: number[] = [];
  let text = "";
  for await (const chunk of res.body!) {
    text += Buffer.from(chunk as Uint8Array).toString();
    // Content chunks with text (a chat stream opens with an empty-content role chunk, as vLLM's does).
    const n = (text.match(/"content":"[^"]/g) ?? []).length;
    while (times.length < n) times.push(performance.now() - start);
  }
  return { status: res.status, times, text };
}

export function parseExposition(text: string) {
  const types = new Map<string, string>();
  const samples: { name: string; labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split("\n")) {
    if (line.startsWith("# TYPE ")) {
      const [, , name, type] = line.split(" ");
      types.set(name, type);
    } else if (line && !line.startsWith("#")) {
      const m = line.match(/^([^{ ]+)(\{(.*)\})? (\S+)$/);
      if (!m) throw new Error(`unparseable line: ${line}`);
      const labels: Record<string, string> = {};
      for (const l of (m[3] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2]!;
      samples.push({ name: m[1], labels, value: Number(m[4]) });
    }
  }
  return { types, samples };
}
