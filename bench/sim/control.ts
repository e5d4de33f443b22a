// The simulator's control endpoints (/sim/*): change faults and read the fixed-latency timing log
// at run time. For tests and labs only: the server serves them only with --enable-control-endpoints,
// which no chart sets, so an in-cluster simulator cannot be turned into an outage over HTTP.
import type * as http from "node:http";
import type { Engine } from "./engine";
import { HttpError, readJsonObject, sendJson } from "./http";
import type { FaultOptions } from "./options";

export interface ControlDeps {
  engine: Engine;
  faults: FaultOptions;
  setFaults(f: Partial<FaultOptions>): void;
  maxBodyBytes: number;
}

/** Methods per control path (the router answers 405 for others). */
export const CONTROL_ROUTES: Record<string, string[]> = {
  "/sim/faults": ["GET", "POST"],
  "/sim/timing": ["GET", "DELETE"],
};

export async function handleControl(
  path: string,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  d: ControlDeps,
): Promise<void> {
  switch (`${req.method} ${path}`) {
    case "GET /sim/faults":
      return sendJson(res, 200, d.faults);
    case "POST /sim/faults": {
      const body = await readJsonObject(req, d.maxBodyBytes);
      try {
        d.setFaults(body);
      } catch (e) {
        throw new HttpError(400, (e as Error).message);
      }
      return sendJson(res, 200, d.faults);
    }
    case "GET /sim/timing":
      return sendJson(res, 200, d.engine.timing.snapshot());
    case "DELETE /sim/timing":
      d.engine.timing.reset();
      return sendJson(res, 200, d.engine.timing.snapshot());
  }
}
