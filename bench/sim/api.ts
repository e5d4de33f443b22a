// vLLM's API on the simulator: health, version, metrics, models, tokenize / detokenize and the two
// generation endpoints. A generation is validated (validate.ts), may draw an injected error
// (faults.ts), runs in the engine and is answered by stream.ts.
import type * as http from "node:http";
import type { Engine } from "./engine";
import { injectedError, unit } from "./faults";
import { HttpError, readJsonObject, sendJson } from "./http";
import type { FaultOptions, SimOptions } from "./options";
import type { PrefixCache } from "./prefix-cache";
import { requireJsonBody } from "./request-model";
import { generationResponse } from "./stream";
import { detokenize } from "./tokenizer";
import { detokenizeRequest, parseGeneration, tokenizeRequest } from "./validate";
import type { VllmMetrics } from "./vllm-metrics";

/** Methods per API path (the router answers 405 for others). */
export const API_ROUTES: Record<string, string[]> = {
  "/health": ["GET"],
  "/version": ["GET"],
  "/metrics": ["GET"],
  "/v1/models": ["GET"],
  "/tokenize": ["POST"],
  "/detokenize": ["POST"],
  "/v1/completions": ["POST"],
  "/v1/chat/completions": ["POST"],
};

export interface ApiDeps {
  options: SimOptions;
  engine: Engine;
  metrics: VllmMetrics;
  prefixes: PrefixCache;
  /** The faults in force (changed at run time); each request takes a copy when it arrives. */
  faults: FaultOptions;
  startedAt: number;
}

export type Route = (path: string, req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;

/** The handler of API_ROUTES' paths; it numbers the generation requests for the seeded draws. */
export function apiRoutes(d: ApiDeps): Route {
  const { options, engine, metrics, prefixes, faults } = d;
  let requestCounter = 0;

  async function generation(req: http.IncomingMessage, res: http.ServerResponse, chat: boolean) {
    requireJsonBody(req);
    const body = await readJsonObject(req, options.maxBodyBytes);
    const gen = await parseGeneration(body, chat, options.model, options.maxModelLen);
    const cachedPrefixTokens = await prefixes.lookupAndInsertAsync(gen.promptIds);
    if (res.destroyed) return; // the client left while the prompt was tokenised
    if (options.maxWaiting > 0 && engine.numWaiting >= options.maxWaiting)
      throw new HttpError(429, "Too many requests are waiting; retry later.", "RateLimitError");
    const n = requestCounter++;
    const fault = injectedError(faults, options.seed, n);
    if (fault) throw fault;
    const draw = unit(options.seed + 13, n);
    const eosAt = Math.max(gen.minTokens, Math.round(-Math.log(1 - draw) * options.meanOutputTokens));
    // As vLLM: the client's X-Request-Id, when given, becomes the response id after the prefix.
    const clientId = req.headers["x-request-id"];
    const suffix = typeof clientId === "string" && clientId ? clientId : n.toString(16).padStart(8, "0");
    const id = `${chat ? "chatcmpl" : "cmpl"}-${suffix}`;
    const { model, speedup } = options;
    const textSeed = gen.seed ?? n;
    const h = generationResponse({ res, chat, model, id, gen, faults: { ...faults }, speedup, textSeed });
    const abort = engine.submit({
      id,
      promptTokens: gen.promptIds.length,
      cachedPrefixTokens,
      maxTokens: gen.maxTokens,
      outputTokens: gen.ignoreEos ? gen.maxTokens : Math.min(gen.maxTokens, eosAt),
      cutAfterTokens: h.cutAfterTokens,
      onToken: h.onToken,
      onFinish: h.onFinish,
    });
    h.setAbort(abort);
  }

  return async (path, req, res) => {
    switch (path) {
      case "/health":
        return void res.writeHead(200).end();
      case "/version":
        return sendJson(res, 200, { version: "vllm-bench-simulator" });
      case "/metrics":
        res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
        return void res.end(metrics.registry.expose());
      case "/v1/models": {
        const { model: id, maxModelLen } = options;
        const created = Math.floor(d.startedAt / 1000);
        const card = { id, object: "model", created, owned_by: "vllm", root: id, parent: null };
        return sendJson(res, 200, { object: "list", data: [{ ...card, max_model_len: maxModelLen, permission: [] }] });
      }
      case "/tokenize": {
        requireJsonBody(req);
        const ids = await tokenizeRequest(await readJsonObject(req, options.maxBodyBytes));
        return sendJson(res, 200, { count: ids.length, max_model_len: options.maxModelLen, tokens: ids });
      }
      case "/detokenize": {
        requireJsonBody(req);
        const ids = detokenizeRequest(await readJsonObject(req, options.maxBodyBytes));
        return sendJson(res, 200, { prompt: detokenize(ids) });
      }
      case "/v1/completions":
        return generation(req, res, false);
      case "/v1/chat/completions":
        return generation(req, res, true);
    }
  };
}
