/**
 * The `ferry-device` command line: options to a validated configuration.
 * Bad usage throws UsageError; main() prints it and exits 2.
 */
import { parseArgs } from "node:util";

export const HELP = `Usage: ferry-device --flash FILE (--stdio | --tcp PORT) [options]

Runs the Ferry reference device: a host build of an accessory that keeps its
flash in FILE and serves one central at a time on the virtual GATT link
(spec chapter 10), with the GATT layout of section 10.4.

Transport (exactly one):
  --stdio                VGL frames on stdin/stdout; logs and observations on
                         stderr; exits when stdin closes [VGL-10]
  --tcp PORT             listen for a central on TCP PORT (0: a free port) and
                         print "ferry-device listening tcp://HOST:PORT" on
                         stderr once listening [VGL-11]; a second concurrent
                         central is refused. stdin takes control lines
                         (below) and stdout carries observations as JSON lines
  --host HOST            address to listen on with --tcp (default 127.0.0.1,
                         loopback only [VGL-12])

Device:
  --flash FILE           the flash image (required); created on first start;
                         a missing, torn or corrupt image means a new epoch
  --id HEX               device id written to a new flash, 1 to 16 bytes in
                         hex (default: 8 random bytes); an existing flash
                         keeps its own
  --name NAME            advertising name sent in CONNECTED (default
                         ferry-device)
  --capacity N           events the buffer holds before the overflow policy
                         drop-lowest-oldest applies (default 4096)
  --mtu N                largest ATT MTU accepted, 23 to 517 (default 247)
  --max-message N        largest Message accepted, DeviceInfo.max_message,
                         0 to 16383 (default 0: the BLE default of 4096)
  --window-events N      command window granted to the app: commands in
                         flight (default 1)
  --window-bytes N       command window: payload bytes in flight (default 4096)

Event sources (all off unless given):
  --sample-ms N          a 16-byte sample on stream 3 "samples" (bulk) every N ms
  --audio-ms N           a 160-byte chunk on stream 2 "audio" (realtime) every N ms
  --audio-ttl-ms N       time to live of audio chunks (default 2000)
  --alarm-ms N           an alarm on stream 1 "alarm" (critical) every N ms

  -h, --help             show this help

Control lines on stdin (--tcp): alarm | sample | audio [N] | status | quit

Observations, one JSON object a line (stdout with --tcp, stderr with
--stdio), each with "t" (ms since start) and "event": produced,
acknowledged, dropped, expired, command, epoch, connected, disconnected,
session, error, status. Sequence numbers and command ids are decimal
strings, payloads hex.

Exit status: 0 after quit, a signal, or the end of stdin with --stdio;
1 on a failure; 2 on bad usage.
`;

export class UsageError extends Error {}

export interface CliOptions {
  flash: string;
  transport: { kind: "stdio" } | { kind: "tcp"; port: number; host: string };
  deviceId?: Uint8Array;
  name: string;
  capacity: number;
  mtu: number;
  maxMessage: number;
  window: { events: number; bytes: number };
  sampleMs?: number;
  audioMs?: number;
  audioTtlMs: number;
  alarmMs?: number;
}

function int(name: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}`);
  return n;
}

export function parseCommandLine(argv: string[]): CliOptions | "help" {
  const args = argv[0] === "--" ? argv.slice(1) : argv;
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        flash: { type: "string" },
        stdio: { type: "boolean" },
        tcp: { type: "string" },
        host: { type: "string" },
        id: { type: "string" },
        name: { type: "string" },
        capacity: { type: "string" },
        mtu: { type: "string" },
        "max-message": { type: "string" },
        "window-events": { type: "string" },
        "window-bytes": { type: "string" },
        "sample-ms": { type: "string" },
        "audio-ms": { type: "string" },
        "audio-ttl-ms": { type: "string" },
        "alarm-ms": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) return "help";
  if (!values.flash) throw new UsageError("--flash FILE is required");
  if (Boolean(values.stdio) === (values.tcp !== undefined)) throw new UsageError("give exactly one of --stdio and --tcp PORT");
  if (values.stdio && values.host !== undefined) throw new UsageError("--host goes with --tcp");
  let deviceId: Uint8Array | undefined;
  if (values.id !== undefined) {
    if (!/^([0-9a-fA-F]{2}){1,16}$/.test(values.id)) throw new UsageError("--id must be 1 to 16 bytes in hex [ID-3]");
    deviceId = new Uint8Array(Buffer.from(values.id, "hex"));
  }
  const name = values.name ?? "ferry-device";
  if (Buffer.byteLength(name) > 248) throw new UsageError("--name must be at most 248 bytes of UTF-8");
  const ms = (n: string) => int(n, values[n as keyof typeof values] as string | undefined, 1, 86_400_000);
  return {
    flash: values.flash,
    transport: values.stdio ? { kind: "stdio" } : { kind: "tcp", port: int("tcp", values.tcp, 0, 65535)!, host: values.host ?? "127.0.0.1" },
    ...(deviceId && { deviceId }),
    name,
    capacity: int("capacity", values.capacity, 1, 1_000_000) ?? 4096,
    mtu: int("mtu", values.mtu, 23, 517) ?? 247,
    maxMessage: int("max-message", values["max-message"], 0, 16_383) ?? 0,
    window: { events: int("window-events", values["window-events"], 0, 0xffffffff) ?? 1, bytes: int("window-bytes", values["window-bytes"], 0, 0xffffffff) ?? 4096 },
    ...(ms("sample-ms") !== undefined && { sampleMs: ms("sample-ms") }),
    ...(ms("audio-ms") !== undefined && { audioMs: ms("audio-ms") }),
    audioTtlMs: ms("audio-ttl-ms") ?? 2000,
    ...(ms("alarm-ms") !== undefined && { alarmMs: ms("alarm-ms") }),
  };
}
