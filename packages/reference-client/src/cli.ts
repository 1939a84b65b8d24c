/**
 * `ferry-app`: the app core in the foreground, for demos and manual checks.
 * It connects to one device over the virtual GATT link (TCP), takes custody
 * of its events into the disk outbox (durable before the device is
 * acknowledged [ACK-2]), and forwards them to a server over WebSocket with
 * the 1-round-trip resume [HS-8]; the server's custody is relayed back to
 * the device end to end [ACK-14]. Observation lines (JSON) go to stdout.
 *
 * Not yet here: the harness channel of chapter 17 (FERRY_HARNESS) and the
 * suspension lifecycle; the library has both pieces (AppLifecycle, Budget).
 *
 * Exit status: 0 on SIGINT/SIGTERM or --exit-after-ms, 1 on a failure,
 * 2 on bad usage.
 */
import { parseArgs } from "node:util";
import { connectTcp, DeviceSession, type CustodySink } from "./ble/index.js";
import { DiskOutbox } from "./outbox/index.js";
import { ServerLeg } from "./server-leg/index.js";

export const HELP = `ferry-app: the Ferry reference app core, in the foreground

Usage:
  ferry-app --outbox FILE --device tcp://HOST:PORT --server ws://HOST:PORT/v1/ws --credential TOKEN [options]

Options:
  --outbox FILE        the disk outbox (created on first start; kept across runs)
  --device URL         the device's virtual GATT link, tcp://HOST:PORT (ferry-device --tcp)
  --server URL         the server's WebSocket binding, ws:// or wss:// (ferry-server prints it)
  --credential TOKEN   the app's credential for the server (ferry-server --token)
  --reconnect-ms N     wait before reconnecting to the device after a disconnection (default 1000)
  --exit-after-ms N    stop after N ms (default: run until SIGINT/SIGTERM)
  --help               this text

Output: one JSON observation per line on stdout (connected, custody, critical,
server, disconnected); logs on stderr.
`;

export class UsageError extends Error {}

export interface AppArgs {
  outbox: string;
  device: { host: string; port: number };
  server: string;
  credential: Uint8Array;
  reconnectMs: number;
  exitAfterMs: number | undefined;
}

export function parseAppArgs(argv: string[]): AppArgs | "help" {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        outbox: { type: "string" },
        device: { type: "string" },
        server: { type: "string" },
        credential: { type: "string" },
        "reconnect-ms": { type: "string" },
        "exit-after-ms": { type: "string" },
        help: { type: "boolean" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) return "help";
  const need = (name: "outbox" | "device" | "server" | "credential"): string => {
    const v = values[name];
    if (v === undefined || v === "") throw new UsageError(`--${name} is required`);
    return v;
  };
  const device = /^tcp:\/\/([^:/]+):(\d{1,5})$/.exec(need("device"));
  if (!device) throw new UsageError("--device must be tcp://HOST:PORT");
  const server = need("server");
  if (!/^wss?:\/\//.test(server)) throw new UsageError("--server must be a ws:// or wss:// URL");
  return {
    outbox: need("outbox"),
    device: { host: device[1]!, port: Number(device[2]) },
    server,
    credential: new TextEncoder().encode(need("credential")),
    reconnectMs: count(values["reconnect-ms"], "--reconnect-ms") ?? 1000,
    exitAfterMs: count(values["exit-after-ms"], "--exit-after-ms"),
  };
}

function count(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new UsageError(`${name} must be a whole number of milliseconds`);
  return Number(v);
}

const observe = (obs: string, detail: Record<string, unknown> = {}): void => {
  process.stdout.write(`${JSON.stringify({ obs, t: Date.now(), ...detail }, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))}\n`);
};

export async function main(argv: string[]): Promise<number> {
  let args: AppArgs | "help";
  try {
    args = parseAppArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`ferry-app: ${e.message}\n\n${HELP}`);
    return 2;
  }
  if (args === "help") {
    process.stdout.write(HELP);
    return 0;
  }
  return run(args);
}

async function run(a: AppArgs): Promise<number> {
  let session: DeviceSession | undefined;
  const legs = new Map<string, ServerLeg>();
  const outbox = await DiskOutbox.openFile(a.outbox, {
    onEndToEnd: (_device, custody) => session?.relayEndToEnd(custody),
    onError: (e) => process.stderr.write(`ferry-app: outbox: ${e.message}\n`),
  });
  observe("outbox", { ...outbox.recovered });

  // The server leg of a device starts once its id is known (the handshake), and runs across device reconnections.
  const legFor = (deviceHex: string): ServerLeg => {
    let leg = legs.get(deviceHex);
    if (leg) return leg;
    const deviceId = Buffer.from(deviceHex, "hex");
    leg = new ServerLeg({
      url: a.server,
      source: outbox.source(deviceId),
      deviceId,
      credential: a.credential,
      tokens: outbox.tokens(a.server, deviceId),
      onWelcome: (o) => observe("server", { device: deviceHex, resumed: o.resumed }),
      onEnd: (end, delayMs) => observe("server-closed", { device: deviceHex, code: end.closeCode, error: end.error?.message ?? end.linkError?.message, retryInMs: delayMs }),
    });
    legs.set(deviceHex, leg);
    leg.start();
    return leg;
  };
  // A pending backlog from an earlier run goes out without waiting for the device.
  for (const d of outbox.devicesPending()) legFor(Buffer.from(d).toString("hex"));

  const sink: CustodySink = {
    custody: (device) => outbox.custody(device),
    async take(device, runs, accountings) {
      await outbox.take(device, runs, accountings);
      // The shape of chapter 17's custody observation, written once the events are durable [HAR-8].
      for (const r of runs.filter((x) => x.payloads.length > 0)) observe("custody", { device, epoch: r.epoch, stream: r.stream, first: r.firstSeq, last: r.firstSeq + BigInt(r.payloads.length - 1) });
      legFor(device).flush();
    },
  };

  let stopping = false;
  const stopped = new Promise<void>((resolve) => {
    const stop = (): void => {
      stopping = true;
      session?.close();
      resolve();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    if (a.exitAfterMs !== undefined) setTimeout(stop, a.exitAfterMs).unref();
  });

  const deviceLoop = (async () => {
    while (!stopping) {
      try {
        const transport = await connectTcp(a.device.port, a.device.host);
        session = new DeviceSession({
          transport,
          sink,
          resetLink: true,
          on: {
            established: (e) => {
              observe("connected", { device: e.deviceId, name: e.name, mtu: e.mtu });
              const custody = outbox.endToEnd(e.deviceId);
              if (custody.length > 0) session?.relayEndToEnd(custody);
            },
            critical: (c) => observe("notify", { device: c.deviceId, stream: c.stream, epoch: c.epoch, seq: c.seq, payload: Buffer.from(c.payload).toString("hex") }),
            error: (err, from) => process.stderr.write(`ferry-app: ${from} error ${err.errorName}: ${err.message}\n`),
            linkFailed: (reason) => process.stderr.write(`ferry-app: link failed: ${reason}\n`),
          },
        });
        session.start();
        const end = await session.closed;
        await session.settled();
        observe("disconnected", { reason: end.reason, initiator: end.initiator });
      } catch (e) {
        process.stderr.write(`ferry-app: device ${a.device.host}:${a.device.port}: ${(e as Error).message}\n`);
      }
      if (!stopping) await new Promise((r) => setTimeout(r, a.reconnectMs));
    }
  })();

  await stopped;
  await deviceLoop;
  await Promise.all([...legs.values()].map((l) => l.stop(1000)));
  await outbox.close();
  return 0;
}
