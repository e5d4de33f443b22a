// What vLLM's request models refuse before a request reaches the engine, refused the same way.
// Read in vllm-project/vllm:
//   vllm/entrypoints/openai/utils.py @ 432a38c440655622ff7875c4877f0756c44e1fbf: validate_json_request,
//     a dependency of /v1/completions, /v1/chat/completions, /tokenize and /detokenize (their
//     api_router.py), refuses any media type but application/json (header lower-cased, parameters
//     cut at ";", no header counts as "") with a RequestValidationError;
//   vllm/entrypoints/openai/api_server.py @ 048027fbbdb8c252560205a6159ba3288ede291e: build_app's
//     validation_exception_handler turns every RequestValidationError into a 400 ErrorResponse,
//     type "Bad Request", param null, message the error list;
//   vllm/entrypoints/openai/{completion,chat_completion}/protocol.py @ d5dba2d7b0ab9b98096560c69db7126b54b14d79
//     and engine/protocol.py @ d7e52523a55cfd60207c99d9f3b7ed527d2115b7: the field types (pydantic v2,
//     lax mode: OpenAIBaseModel sets only extra="allow", so "0.5" is a float, 5.0 an int, "yes" a bool);
//   vllm/sampling_params.py @ 00388f6573ccfcffad607b8c9ecdf341a4669ceb: SamplingParams._verify_args,
//     the value ranges and their wording (a VLLMValidationError, answered 400 BadRequestError).
import type * as http from "node:http";
import { HttpError } from "./http";

/** The error list's rendering in vLLM's message: Python's repr of the pydantic error dicts. */
function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return "None";
  if (v === true) return "True";
  if (v === false) return "False";
  if (typeof v === "number") return pyFloat(v, Number.isInteger(v) ? "int" : "float");
  if (typeof v === "string") return v.includes("'") && !v.includes('"') ? `"${v}"` : `'${v.replace(/'/g, "\\'")}'`;
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(", ")}]`;
  return `{${Object.entries(v)
    .map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`)
    .join(", ")}}`;
}

/** A number as Python prints it: floats keep a ".0", infinities are inf. */
function pyFloat(n: number, as: "int" | "float"): string {
  if (Number.isNaN(n)) return "nan";
  if (!Number.isFinite(n)) return n > 0 ? "inf" : "-inf";
  return as === "float" && Number.isInteger(n) ? `${n}.0` : String(n);
}

interface PydanticError {
  type: string;
  field: string;
  msg: string;
  input: unknown;
}

/** FastAPI's RequestValidationError as vLLM answers it. */
export class RequestValidationError extends HttpError {
  constructor(errors: (PydanticError | string)[]) {
    const list = errors.map((e) =>
      typeof e === "string"
        ? pyRepr(e)
        : `{'type': '${e.type}', 'loc': ('body', '${e.field}'), 'msg': ${pyRepr(e.msg)}, 'input': ${pyRepr(e.input)}}`,
    );
    super(400, `[${list.join(", ")}]`, "Bad Request", null);
  }
}

/** validate_json_request: only application/json bodies reach the request models. */
export function requireJsonBody(req: http.IncomingMessage): void {
  const mediaType = (req.headers["content-type"] ?? "").toLowerCase().split(";", 1)[0];
  if (mediaType !== "application/json")
    throw new RequestValidationError(["Unsupported Media Type: Only 'application/json' is allowed"]);
}

type Kind = "float" | "int" | "bool" | "str";
const FLOAT_WORDS: Record<string, number> = {
  inf: Infinity,
  "+inf": Infinity,
  "-inf": -Infinity,
  infinity: Infinity,
  "-infinity": -Infinity,
  nan: NaN,
};
const TRUE_WORDS = new Set(["1", "on", "t", "true", "y", "yes"]);
const FALSE_WORDS = new Set(["0", "off", "f", "false", "n", "no"]);

/** pydantic's lax coercion of one JSON value; a string is the error (type, message). */
function coerce(kind: Kind, v: unknown): { value: unknown } | { type: string; msg: string } {
  switch (kind) {
    case "float":
      if (typeof v === "number") return { value: v };
      if (typeof v === "boolean") return { value: v ? 1 : 0 };
      if (typeof v === "string") {
        const s = v.trim().toLowerCase();
        const n =
          s in FLOAT_WORDS
            ? FLOAT_WORDS[s]
            : s !== "" && /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(s)
              ? Number(s)
              : undefined;
        return n === undefined
          ? { type: "float_parsing", msg: "Input should be a valid number, unable to parse string as a number" }
          : { value: n };
      }
      return { type: "float_type", msg: "Input should be a valid number" };
    case "int":
      if (typeof v === "number")
        return Number.isInteger(v)
          ? { value: v }
          : { type: "int_from_float", msg: "Input should be a valid integer, got a number with a fractional part" };
      if (typeof v === "boolean") return { value: v ? 1 : 0 };
      if (typeof v === "string")
        return /^\s*[+-]?\d+\s*$/.test(v)
          ? { value: Number(v) }
          : { type: "int_parsing", msg: "Input should be a valid integer, unable to parse string as an integer" };
      return { type: "int_type", msg: "Input should be a valid integer" };
    case "bool":
      if (typeof v === "boolean") return { value: v };
      if (v === 0 || v === 1) return { value: v === 1 };
      if (typeof v === "string" && (TRUE_WORDS.has(v.toLowerCase()) || FALSE_WORDS.has(v.toLowerCase())))
        return { value: TRUE_WORDS.has(v.toLowerCase()) };
      return typeof v === "string" || typeof v === "number"
        ? { type: "bool_parsing", msg: "Input should be a valid boolean, unable to interpret input" }
        : { type: "bool_type", msg: "Input should be a valid boolean" };
    case "str":
      return typeof v === "string" ? { value: v } : { type: "string_type", msg: "Input should be a valid string" };
  }
}

/** The typed fields the simulator reads or that bound sampling, in the request models' order. */
const COMPLETION_FIELDS: [string, Kind][] = [
  ["model", "str"],
  ["echo", "bool"],
  ["frequency_penalty", "float"],
  ["logprobs", "int"],
  ["max_tokens", "int"],
  ["n", "int"],
  ["presence_penalty", "float"],
  ["seed", "int"],
  ["stream", "bool"],
  ["suffix", "str"],
  ["temperature", "float"],
  ["top_p", "float"],
  ["user", "str"],
  ["use_beam_search", "bool"],
  ["top_k", "int"],
  ["min_p", "float"],
  ["repetition_penalty", "float"],
  ["length_penalty", "float"],
  ["include_stop_str_in_output", "bool"],
  ["ignore_eos", "bool"],
  ["min_tokens", "int"],
  ["skip_special_tokens", "bool"],
];
const CHAT_FIELDS: [string, Kind][] = [
  ["model", "str"],
  ["frequency_penalty", "float"],
  ["logprobs", "bool"],
  ["top_logprobs", "int"],
  ["max_tokens", "int"],
  ["max_completion_tokens", "int"],
  ["n", "int"],
  ["presence_penalty", "float"],
  ["seed", "int"],
  ["stream", "bool"],
  ["temperature", "float"],
  ["top_p", "float"],
  ["user", "str"],
  ["use_beam_search", "bool"],
  ["top_k", "int"],
  ["min_p", "float"],
  ["repetition_penalty", "float"],
  ["length_penalty", "float"],
  ["include_stop_str_in_output", "bool"],
  ["ignore_eos", "bool"],
  ["min_tokens", "int"],
  ["skip_special_tokens", "bool"],
];
/** Fields whose model type admits None (an explicit null is the default). */
const NOT_NULLABLE = new Set([
  "use_beam_search",
  "length_penalty",
  "include_stop_str_in_output",
  "ignore_eos",
  "min_tokens",
  "skip_special_tokens",
]);

/**
 * The body with every typed field coerced as pydantic would, or vLLM's 400 listing each field
 * that is not of its type (all of them, as pydantic collects them).
 */
export function typedBody(body: Record<string, unknown>, chat: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { ...body };
  const errors: PydanticError[] = [];
  for (const [field, kind] of chat ? CHAT_FIELDS : COMPLETION_FIELDS) {
    if (!(field in body)) continue;
    const v = body[field];
    if (v === null && !NOT_NULLABLE.has(field)) continue;
    const r = coerce(kind, v);
    if ("value" in r) out[field] = r.value;
    else errors.push({ ...r, field, input: v });
  }
  if (errors.length) throw new RequestValidationError(errors);
  return out;
}

const bad = (message: string, param: string | null = null) => new HttpError(400, message, "BadRequestError", param);
const num = (body: Record<string, unknown>, k: string, fallback: number) =>
  typeof body[k] === "number" ? body[k] : fallback;

/**
 * SamplingParams._verify_args on a typed body, in its order and wording; `maxTokens` is the output
 * budget the server settled on (the request's, or the default).
 */
export function verifySampling(body: Record<string, unknown>, maxTokens: number): void {
  const n = num(body, "n", 1);
  if (n < 1) throw bad(`n must be at least 1, got ${n}.`);
  for (const k of ["presence_penalty", "frequency_penalty"]) {
    const v = num(body, k, 0);
    if (!(v >= -2 && v <= 2)) throw bad(`${k} must be in [-2, 2], got ${pyFloat(v, "float")}.`);
  }
  const rep = num(body, "repetition_penalty", 1);
  if (!Number.isFinite(rep)) throw bad(`repetition_penalty must be a finite number, got ${pyFloat(rep, "float")}.`);
  if (rep <= 0) throw bad(`repetition_penalty must be greater than zero, got ${pyFloat(rep, "float")}.`);
  const t = num(body, "temperature", 1);
  if (!Number.isFinite(t)) throw bad(`temperature must be a finite number, got ${pyFloat(t, "float")}.`, "temperature");
  if (t < 0) throw bad(`temperature must be non-negative, got ${pyFloat(t, "float")}.`, "temperature");
  if (t > 2) throw bad(`temperature must be in [0, 2], got ${pyFloat(t, "float")}.`, "temperature");
  const topP = num(body, "top_p", 1);
  if (!(topP > 0 && topP <= 1)) throw bad(`top_p must be in (0, 1], got ${pyFloat(topP, "float")}.`, "top_p");
  const topK = num(body, "top_k", 0);
  if (topK < -1) throw bad(`top_k must be 0 (disable), or at least 1, got ${topK}.`);
  const minP = num(body, "min_p", 0);
  if (!(minP >= 0 && minP <= 1)) throw bad(`min_p must be in [0, 1], got ${pyFloat(minP, "float")}.`);
  if (maxTokens < 1) throw bad(`max_tokens must be at least 1, got ${maxTokens}.`, "max_tokens");
  const minTokens = num(body, "min_tokens", 0);
  if (minTokens < 0) throw bad(`min_tokens must be greater than or equal to 0, got ${minTokens}.`);
  if (minTokens > maxTokens)
    throw bad(`min_tokens must be less than or equal to max_tokens=${maxTokens}, got ${minTokens}.`);
}
