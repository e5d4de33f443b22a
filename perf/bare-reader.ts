// The baseline client of `npm run bench:client`: the least a Node program can do to time the
// tokens of many SSE streams (one keep-alive agent, a timestamp per socket read, events found by
// substring, no JSON parsing, no records, no statistics). It runs the same load as the real
// client, in the same process, on the same core, right after it; what it measures is the floor
// this machine and runtime put under any Node client. It reads the simulator's completions and
// chat formats only.
import * as http from "node:http";
import { arrivalGaps } from "../bench/client/random";

// Every content chunk of the simulator's streams has a text starting with a space (its tokens are
// " word"); the chat role chunk's content and the usage chunk have none.
const MARK = { completions: '"text":" ', chat: '"content":" ' };

export interface BareLoad {
  url: string;
  model: string;
  streams: number;
  requests: number;
  /** Poisson arrivals per second, or "inf" to start every request at once (up to `streams` open). */
  rate: number | "inf";
  tokens: number;
  seed: number;
  /** Chat completions (default: completions). */
  chat?: boolean;
}

/** Gaps per request id, in ms, as the reader saw each content chunk arrive. */
export async function bareRead(load: BareLoad): Promise<Map<string, number[]>> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const gaps = new Map<string, number[]>();
  const body = JSON.stringify({
    model: load.model,
    ...(load.chat
      ? { messages: [{ role: "user", content: "bare reader" }], max_completion_tokens: load.tokens }
      : { prompt: "bare reader", max_tokens: load.tokens }),
    ignore_eos: true,
    stream: true,
  });
  const mark = load.chat ? MARK.chat : MARK.completions;
  const endpoint = load.chat ? "/v1/chat/completions" : "/v1/completions";
  const one = (id: string) =>
    new Promise<void>((resolve) => {
      const mine: number[] = [];
      let last = -1;
      const req = http.request(
        `${load.url}${endpoint}`,
        { method: "POST", agent, headers: { "content-type": "application/json", "x-request-id": id } },
        (res) => {
          res.setEncoding("utf8");
          let tail = "";
          res.on("data", (chunk: string) => {
            const now = performance.now();
            // The tail of the previous read is kept in case a marker straddles two reads (it is one
            // character shorter than the marker, so no marker is counted twice).
            const text = tail + chunk;
            for (let i = text.indexOf(mark); i >= 0; i = text.indexOf(mark, i + 1)) {
              if (last >= 0) mine.push(now - last);
              last = now;
            }
            tail = text.slice(-(mark.length - 1));
          });
          res.on("end", () => {
            gaps.set(id, mine);
            resolve();
          });
          res.on("error", () => resolve());
        },
      );
      req.on("error", () => resolve());
      req.end(body);
    });
  await paced(load, one);
  agent.destroy();
  return gaps;
}

/**
 * Start `one("bare-<i>")` for every request at the arrival times `vllm-bench run` draws for this
 * seed (its runner derives them the same way), at most `streams` open at once; resolves when all
 * have ended.
 */
export async function paced(
  load: Pick<BareLoad, "requests" | "rate" | "streams" | "seed">,
  one: (id: string) => Promise<void>,
): Promise<void> {
  const arrivals = arrivalGaps(load.requests, load.rate, 1, load.seed + 1);
  let open = 0;
  let slot: (() => void) | undefined;
  const done: Promise<void>[] = [];
  let next = performance.now();
  for (let i = 0; i < load.requests; i++) {
    next += arrivals[i] * 1000;
    const wait = next - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    if (open >= load.streams) await new Promise<void>((r) => (slot = r));
    open++;
    done.push(
      one(`bare-${i}`).then(() => {
        open--;
        const s = slot;
        slot = undefined;
        s?.();
      }),
    );
  }
  await Promise.all(done);
}
