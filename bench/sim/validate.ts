// Request validation for the OpenAI routes: what vLLM refuses, refused with vLLM's message
// (vllm/entrypoints/openai/serving_engine.py `_validate_input`, vllm/v1/engine/processor.py; field
// types and sampling ranges in request-model.ts), as a 4xx in OpenAI's error shape. Prompts are
// tokenised in slices so a large one cannot hold the event loop; the body limit bounds the total.
import { HttpError } from "./http";
import { typedBody, verifySampling } from "./request-model";
import { tokenize } from "./tokenizer";

/** Tokens a chat template adds per message (role markers), roughly as Qwen/Llama templates do. */
const TEMPLATE_TOKENS = [1, 2, 3, 4];
const ROLES = new Set(["system", "user", "assistant", "tool", "developer"]);
/** Characters tokenised between two yields to the event loop (about a millisecond of work). */
const SLICE_CHARS = 8_192;

const bad = (message: string, param: string | null = null) => new HttpError(400, message, "BadRequestError", param);
const yieldLoop = () => new Promise<void>((r) => setImmediate(r));

/** Tokenise `text` in slices cut before a whitespace run, so the pieces are those of one pass. */
async function tokenizeAsync(text: string): Promise<number[]> {
  if (text.length <= SLICE_CHARS) return tokenize(text);
  const ids: number[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + SLICE_CHARS);
    // Move the cut to a whitespace that follows a non-whitespace character (a piece boundary).
    while (end < text.length && !(/\s/.test(text[end]) && !/\s/.test(text[end - 1]))) end++;
    for (const id of tokenize(text.slice(start, end))) ids.push(id);
    start = end;
    if (start < text.length) await yieldLoop();
  }
  return ids;
}

/** Chat content as text: a string, or an array of text parts joined by newlines (as vLLM renders them). */
function contentText(content: unknown, i: number): string {
  if (content === null || content === undefined) return "";
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((part, j) => {
        const p = (typeof part === "object" && part !== null ? part : {}) as { type?: unknown; text?: unknown };
        if (p.type !== "text" || typeof p.text !== "string")
          throw bad(
            `messages[${i}].content[${j}]: only text parts ({"type": "text", "text": "..."}) are supported by this model.`,
            "messages",
          );
        return p.text;
      })
      .join("\n");
  }
  throw bad(`messages[${i}].content must be a string or an array of content parts.`, "messages");
}

/** Prompt token ids of a chat request: the template's tokens per message plus its text. */
async function chatPromptIds(messages: unknown): Promise<number[]> {
  if (!Array.isArray(messages) || messages.length === 0) throw bad("`messages` must be a non-empty array.", "messages");
  const ids: number[] = [];
  for (const [i, m] of messages.entries()) {
    if (typeof m !== "object" || m === null || Array.isArray(m))
      throw bad(`messages[${i}] must be an object with a role and content.`, "messages");
    const msg = m as { role?: unknown; content?: unknown };
    if (typeof msg.role !== "string" || !ROLES.has(msg.role))
      throw bad(`messages[${i}].role must be one of ${[...ROLES].join(", ")}.`, "messages");
    ids.push(...TEMPLATE_TOKENS);
    for (const id of await tokenizeAsync(contentText(msg.content, i))) ids.push(id);
  }
  return ids;
}

/** Prompt token ids of a completion request: a string, a list of token ids, or a one-string list. */
async function completionPromptIds(prompt: unknown): Promise<number[]> {
  let ids: number[];
  if (typeof prompt === "string") ids = await tokenizeAsync(prompt);
  else if (Array.isArray(prompt) && prompt.every((x) => Number.isInteger(x) && x >= 0)) ids = prompt as number[];
  else if (Array.isArray(prompt) && prompt.length === 1 && typeof prompt[0] === "string")
    ids = await tokenizeAsync(prompt[0]);
  else throw bad("`prompt` must be a string, a list of token ids, or a list with one string.", "prompt");
  // vllm/v1/engine/processor.py: an empty prompt is refused before it reaches the engine.
  if (ids.length === 0) throw bad("The decoder prompt cannot be empty", "prompt");
  return ids;
}

export interface GenerationRequest {
  promptIds: number[];
  maxTokens: number;
  minTokens: number;
  ignoreEos: boolean;
  stream: boolean;
  includeUsage: boolean;
  seed: number | undefined;
}

/** A validated /v1/completions or /v1/chat/completions request. */
export async function parseGeneration(
  raw: Record<string, unknown>,
  chat: boolean,
  model: string,
  maxModelLen: number,
): Promise<GenerationRequest> {
  // Types first, as pydantic checks the request model before any handler runs.
  const body = typedBody(raw, chat);
  if (body.model !== undefined && body.model !== null && body.model !== model)
    throw new HttpError(404, `The model \`${body.model as string}\` does not exist.`, "NotFoundError", "model");
  if (typeof body.n === "number" && body.n > 1) throw bad("Only n=1 is supported by this server.", "n");
  const promptIds = chat ? await chatPromptIds(body.messages) : await completionPromptIds(body.prompt);
  const given = (k: string) => (typeof body[k] === "number" ? body[k] : undefined);
  const requested = chat ? (given("max_completion_tokens") ?? given("max_tokens")) : given("max_tokens");
  const inputTokens = promptIds.length;
  // Messages as in vLLM's serving_engine._validate_input (newest wording).
  if (inputTokens >= maxModelLen)
    throw bad(
      `This model's maximum context length is ${maxModelLen} tokens. However, your request has ${inputTokens} input tokens. Please reduce the length of the input messages.`,
      chat ? "messages" : "prompt",
    );
  if (requested !== undefined && inputTokens + requested > maxModelLen)
    throw bad(
      `'max_tokens' or 'max_completion_tokens' is too large: ${requested}. This model's maximum context length is ${maxModelLen} tokens and your request has ${inputTokens} input tokens (${requested} > ${maxModelLen} - ${inputTokens}).`,
      chat ? "max_completion_tokens" : "max_tokens",
    );
  // vLLM's defaults (get_max_tokens): completions 16 (CompletionRequest), chat the rest of the
  // context, both capped by what the context has left.
  const maxTokens = requested ?? Math.min(chat ? Infinity : 16, maxModelLen - inputTokens);
  verifySampling(body, maxTokens);
  const minTokens = Math.min(given("min_tokens") ?? 1, maxTokens);
  const so = body.stream_options;
  if (so !== undefined && so !== null && (typeof so !== "object" || Array.isArray(so)))
    throw bad("`stream_options` must be an object.", "stream_options");
  const stream = body.stream === true;
  return {
    promptIds,
    maxTokens,
    minTokens,
    ignoreEos: body.ignore_eos === true,
    stream,
    includeUsage: stream && (so as { include_usage?: unknown } | undefined)?.include_usage === true,
    seed: given("seed"),
  };
}

/** /tokenize: `{prompt}` or `{messages}`, as vLLM's TokenizeRequest. */
export async function tokenizeRequest(body: Record<string, unknown>): Promise<number[]> {
  if (body.messages !== undefined) return chatPromptIds(body.messages);
  if (typeof body.prompt !== "string") throw bad("`prompt` (a string) or `messages` is required.", "prompt");
  return tokenizeAsync(body.prompt);
}

/** /detokenize: `{tokens: [ids]}`. */
export function detokenizeRequest(body: Record<string, unknown>): number[] {
  const t = body.tokens;
  if (!Array.isArray(t) || !t.every((x) => Number.isInteger(x) && x >= 0))
    throw bad("`tokens` must be a list of token ids.", "tokens");
  return t as number[];
}
