// HTTP plumbing shared by the simulator's routes: OpenAI-shaped errors and a bounded body reader
// that counts bytes as they arrive and stops reading past the limit, before anything is parsed.
import type * as http from "node:http";

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type = "BadRequestError",
    readonly param: string | null = null,
  ) {
    super(message);
  }
}

export function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: http.OutgoingHttpHeaders = {},
) {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/** vLLM's ErrorResponse shape: `{"error": {message, type, param, code}}`. */
export const sendError = (res: http.ServerResponse, e: HttpError, headers: http.OutgoingHttpHeaders = {}) =>
  sendJson(res, e.status, { error: { message: e.message, type: e.type, param: e.param, code: e.status } }, headers);

/** Thrown by readBody past the limit; the server answers 413 and closes the connection. */
export class BodyTooLarge extends HttpError {
  constructor(limit: number) {
    super(413, `Request body is larger than the limit of ${limit} bytes.`, "RequestEntityTooLarge");
  }
}

/**
 * The request body as text, at most `limit` bytes. A Content-Length over the limit is refused
 * before a byte is read; a chunked body is counted as it streams and reading stops at the limit.
 */
function readBody(req: http.IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new BodyTooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        cleanup();
        req.pause();
        chunks.length = 0;
        reject(new BodyTooLarge(limit));
        return;
      }
      chunks.push(c);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size).toString("utf8"));
    };
    const onError = (e: Error) => {
      cleanup();
      reject(e);
    };
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}

/** Parses a JSON object body; malformed JSON and non-objects are 400s in vLLM's wording. */
export async function readJsonObject(req: http.IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  const text = await readBody(req, limit);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    throw new HttpError(400, `JSON decode error: ${(e as Error).message}`);
  }
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new HttpError(400, "Request body must be a JSON object.");
  return body as Record<string, unknown>;
}
