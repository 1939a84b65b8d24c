/**
 * The `ferry-device` command: the reference device as a process, its flash
 * in a file, on the virtual GATT link over stdio or TCP. Real timers,
 * sockets and files live here and in cli/; the device itself is sans-IO.
 */
import { randomBytes } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { dirname } from "node:path";
import { createInterface } from "node:readline";
import { HELP, UsageError, parseCommandLine, type CliOptions } from "./cli/args.js";
import { Counters, observationJson, observationLine } from "./cli/observations.js";
import { STREAM, Sensors } from "./cli/sources.js";
import { Ticker, monotonicClock } from "./cli/ticker.js";
import { referenceStreams } from "./device/config.js";
import { Device } from "./device/device.js";
import { FileFlash } from "./flash/file-flash.js";
import { VglPeripheral } from "./vgl/peripheral-link.js";
import { HarnessClient, type HarnessDevice } from "./harness/harness-client.js";

export { HELP, parseCommandLine, UsageError };

export async function main(argv: string[]): Promise<number> {
  let options: CliOptions | "help";
  try {
    options = parseCommandLine(argv);
    if (options !== "help" && !isDirectory(dirname(options.flash))) throw new UsageError(`--flash: directory ${dirname(options.flash)} does not exist`);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`ferry-device: ${e.message}\nTry 'ferry-device --help'.\n`);
    return 2;
  }
  if (options === "help") {
    process.stdout.write(HELP);
    return 0;
  }
  return run(options);
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

async function run(options: CliOptions): Promise<number> {
  const clock = monotonicClock();
  const log = (line: string) => process.stderr.write(`ferry-device: ${line}\n`);
  const tcp = options.transport.kind === "tcp";
  // With --stdio, stdout carries frames only [VGL-10].
  const out = tcp ? process.stdout : process.stderr;
  const emit = (json: Record<string, unknown>) => out.write(observationLine(clock(), json));
  const counters = new Counters();
  let current: VglPeripheral | undefined;
  // [HAR-1] the harness channel opens before anything else; produce and status are served once the device exists.
  let harnessDevice: HarnessDevice | undefined;
  const harnessUrl = process.env.FERRY_HARNESS;
  const harness = harnessUrl
    ? await HarnessClient.connect(harnessUrl, { produce: (...a) => harnessDevice!.produce(...a), status: () => harnessDevice!.status() }, clock)
    : undefined;

  const device = new Device({
    config: {
      ...(options.deviceId && { deviceId: options.deviceId }),
      name: options.name,
      streams: referenceStreams(options.audioTtlMs),
      capacity: options.capacity,
      maxMtu: options.mtu,
      maxMessage: options.maxMessage,
      window: options.window,
    },
    flash: new FileFlash(options.flash),
    randomU32: () => randomBytes(4).readUInt32LE(0),
    now: clock(),
    send: (o) => current?.fromDevice(o),
    observe: (o) => {
      counters.see(o);
      emit(observationJson(o));
      harness?.observe(o);
    },
  });
  if (options.deviceId && Buffer.compare(Buffer.from(options.deviceId), Buffer.from(device.deviceId)) !== 0) {
    log(`flash keeps device id ${Buffer.from(device.deviceId).toString("hex")}; --id applies to a new flash only`);
  }
  const ticker = new Ticker(device, clock);
  ticker.schedule();

  const sensors = new Sensors();
  const produce = (stream: number, payload: Uint8Array) => {
    device.produce(stream, payload, clock());
    ticker.schedule();
  };
  const sources = {
    alarm: () => produce(STREAM.alarm, sensors.alarm()),
    sample: () => produce(STREAM.samples, sensors.sample(clock())),
    audio: () => produce(STREAM.audio, sensors.audioChunk()),
  };
  // [HAR-7] produced through the same path as the sensors' events.
  harnessDevice = {
    produce(stream, count, size) {
      let first: bigint | undefined;
      let last = 0n;
      for (let i = 0; i < count; i++) {
        last = device.produce(stream, randomBytes(size), clock());
        first ??= last;
      }
      ticker.schedule();
      return { first: first!, last };
    },
    status: () => {
      const s = device.status();
      return { epoch: s.epoch, buffered: s.buffered, capacity: s.capacity };
    },
  };
  const intervals = [
    options.alarmMs && setInterval(sources.alarm, options.alarmMs),
    options.sampleMs && setInterval(sources.sample, options.sampleMs),
    options.audioMs && setInterval(sources.audio, options.audioMs),
  ].filter((t): t is NodeJS.Timeout => Boolean(t));

  let finish!: (code: number) => void;
  const done = new Promise<number>((resolve) => (finish = resolve));
  const cleanups: Array<() => void> = [];
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    const handler = () => finish(0);
    process.once(signal, handler);
    cleanups.push(() => process.off(signal, handler));
  }

  /** A byte stream carrying one VGL: frames in, the link, frames out. */
  const attach = (write: (b: Uint8Array) => void, close: () => void): VglPeripheral => {
    const link = new VglPeripheral(device, { write, close, log });
    current = link;
    return link;
  };
  const input = (link: VglPeripheral, chunk: Uint8Array) => {
    try {
      link.handleBytes(chunk, clock());
    } finally {
      ticker.schedule();
    }
  };
  const ended = (link: VglPeripheral) => {
    link.end(clock());
    if (current === link) current = undefined;
    ticker.schedule();
  };

  if (options.transport.kind === "stdio") {
    const link = attach(
      (b) => process.stdout.write(b),
      () => {
        log("the byte stream is broken; exiting [VGL-2]");
        finish(1);
      },
    );
    process.stdin.on("data", (chunk: Buffer) => input(link, chunk));
    process.stdin.once("end", () => {
      ended(link);
      finish(0); // [VGL-10] a stdio peripheral exits when its stdin closes.
    });
    cleanups.push(() => process.stdin.pause());
  } else {
    const server = await listen(options.transport.host, options.transport.port);
    const sockets = new Set<Socket>();
    server.on("connection", (socket) => {
      sockets.add(socket);
      socket.once("close", () => sockets.delete(socket));
      if (current) {
        log("refusing a second central: one at a time");
        socket.destroy();
        return;
      }
      socket.setNoDelay(true);
      const link = attach(
        (b) => void socket.write(b),
        () => socket.destroy(),
      );
      socket.on("data", (chunk: Buffer) => input(link, chunk));
      socket.once("close", () => ended(link));
      socket.on("error", (e) => log(`central socket: ${e.message}`));
    });
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : options.transport.port;
    // Scripts and tests wait for exactly this line [VGL-11].
    process.stderr.write(`ferry-device listening tcp://${options.transport.host}:${port}\n`);
    cleanups.push(() => {
      server.close();
      for (const s of sockets) s.destroy();
    });
    const control = createInterface({ input: process.stdin, crlfDelay: Infinity });
    control.on("line", (line) => {
      const [word, arg] = line.trim().split(/\s+/);
      try {
        if (word === "alarm") sources.alarm();
        else if (word === "sample") sources.sample();
        else if (word === "audio") for (let n = Number(arg ?? 1), i = 0; i < n; i++) sources.audio();
        else if (word === "status") emit(counters.statusJson(device.status()));
        else if (word === "quit") finish(0);
        else if (word) log(`unknown control line "${line.trim()}": alarm | sample | audio [N] | status | quit`);
      } catch (e) {
        log(`${word}: ${(e as Error).message}`);
      }
    });
    cleanups.push(() => control.close());
  }

  const code = await done;
  harness?.close();
  ticker.stop();
  for (const t of intervals) clearInterval(t);
  for (const c of cleanups) c();
  return code;
}

function listen(host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}
