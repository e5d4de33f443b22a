import * as net from "node:net";

/** A port nothing listens on right now, for a process we start next (it may race, rarely). */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve, reject) => probe.once("error", reject).listen(0, host, resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
