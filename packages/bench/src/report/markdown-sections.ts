/** The per-benchmark parts of docs/benchmarks.md: tables and the assumptions behind them. */
import type { BleSection } from "../ble/bench.js";
import { ferryCeiling } from "../ble/bench.js";
import { AUDIO_FRAME_BYTES, SAMPLE_BYTES } from "../ble/workloads.js";
import type { CodecSection } from "../codec/bench.js";
import type { ConformanceSection } from "../conformance/bench.js";
import type { DrainSection } from "../server/drain.js";
import type { IngestSection } from "../server/ingest.js";
import { fmtInt, fmtMs, fmtNum, fmtPct, fmtRatio } from "./format.js";
import { statCell, table } from "./markdown-table.js";

const warm = (n: number): string => (n === 0 ? "" : ` after ${n} unrecorded warm-up run${n === 1 ? "" : "s"}`);

const CODEC_LABEL: Record<string, string> = {
  ferry: "Ferry codec (generated + validation)",
  generated: "generated static protobufjs",
  reflection: "protobufjs reflection",
  json: "JSON.stringify / JSON.parse",
  "ferry-json": "Ferry JSON form (HTTP JSON path)",
};

export function codecMarkdown(c: CodecSection): string {
  const runs = c.figures[0]?.encode.runs ?? 0;
  const fixtures = table(["fixture", "message", "binary bytes"], c.fixtures.map((f) => [f.name, f.description, fmtInt(f.bytes)]), ["l", "l", "r"]);
  const rates = table(
    ["fixture", "codec", "encode, msg/s", "decode, msg/s"],
    c.figures.map((f) => [f.fixture, CODEC_LABEL[f.codec] ?? f.codec, statCell(f.encode), statCell(f.decode)]),
    ["l", "l", "r", "r"],
  );
  const ratios = table(
    ["fixture", "comparison", "direction", "ratio"],
    c.ratios.map((r) => [r.fixture, `${r.numerator} ÷ ${r.denominator}`, r.direction, statCell(r.ratio, fmtRatio)]),
    ["l", "l", "l", "r"],
  );
  const bytes = table(
    ["form", "events per message", "bytes per event", "vs Ferry server leg, 1 event"],
    c.bytesPerEvent.map((b) => [b.description, String(b.eventsPerMessage), fmtNum(b.bytesPerEvent), fmtRatio(b.versusFerry)]),
    ["l", "r", "r", "r"],
  );
  return [
    "## Codec",
    "",
    `Messages encoded and decoded per second, median (min to max) of ${runs} runs. Each codec runs in a process of its own (so that V8 tunes it only for what it sees, as in an application using one codec); the codecs of one fixture are timed in turn within each run, and each ratio is the median of the per-run ratios. Every codec is first checked to round-trip the fixture to the same canonical bytes. "json" times only JSON.stringify/JSON.parse of the JSON form (the least a JSON protocol pays); "ferry-json" adds the mapping and schema validation of the HTTP JSON binding. protobufjs reflection compiles its encoders and decoders when the schema is loaded, so it runs close to the static code; what the static code saves is parsing spec/proto at start-up, and it brings types.`,
    "",
    fixtures,
    "",
    rates,
    "",
    ratios,
    "",
    "Bytes per event for a 16-byte payload (exact sizes). CloudEvents JSON is the form the reference server's webhook delivers (`toCloudEvent`).",
    "",
    bytes,
  ].join("\n");
}

export function bleMarkdown(b: BleSection): string {
  const workloads = [...new Set(b.rows.map((r) => r.workload))];
  const rows = workloads.map((w) => {
    const rs = b.rows.filter((r) => r.workload === w);
    const first = rs[0]!;
    return [w, fmtNum(first.events / first.sdus), ...b.attMtus.map((m) => {
      const r = rs.find((x) => x.attMtu === m)!;
      return `${fmtPct(r.efficiency)} (BTP-like ${fmtPct(r.btpEfficiency)})`;
    })];
  });
  for (const [label, p] of [[`Ferry ceiling, ${SAMPLE_BYTES}-byte events`, SAMPLE_BYTES], [`Ferry ceiling, ${AUDIO_FRAME_BYTES}-byte frames`, AUDIO_FRAME_BYTES]] as const) {
    rows.push([label, "unbounded", ...b.attMtus.map((m) => fmtPct(ferryCeiling(p, m)))]);
  }
  const descriptions = workloads.map((w) => `- \`${w}\`: ${b.rows.find((r) => r.workload === w)!.description}.`);
  return [
    "## BLE efficiency",
    "",
    "Share of notification payload bytes (the ATT values, fragment headers included) that carry event payload. Exact counts: the device's runs are built by `StreamSender` (the same code a device leg runs), encoded by `encodeMessage` and cut by the real `Fragmenter`; nothing is timed, so one run gives the figure. Beside each: the same SDUs with a BTP-like header (Matter's BTP: 5 bytes on a first fragment, flags, ack, sequence and a 2-byte length; 3 on a continuation, flags, ack, sequence), and Ferry's ceiling for the payload size (an unbounded run: only each event's tag and length and the 1-byte continuation header remain).",
    "",
    "Workloads and assumptions:",
    "",
    ...descriptions,
    "- Runs are cut as chapter 3.1.1 says: consecutive events of one stream and class, within the app's window (default 128 events, 32 KiB [FLOW-2]) and its `max_message` of 16,383 [ENV-9]; `epoch` is 0 on the BLE leg [ENV-4]; sequence numbers start at 1,000,000 (samples) and 5,000,000 (audio), as on long-lived streams.",
    "- The app acknowledges everything the device sent before the device's next send, so the window never holds a live stream back; fragments are filled to F = min(MTU - 3, 512) [FRAG-6].",
    "",
    table(["workload", "events per run", ...b.attMtus.map((m) => `MTU ${m}`)], rows, ["l", "r", ...b.attMtus.map(() => "r" as const)]),
  ].join("\n");
}

export function drainMarkdown(d: DrainSection): string {
  const runs = d.figures[0]?.wallMs.runs ?? 0;
  return [
    "## Resume drain",
    "",
    `An app wakes holding N buffered 16-byte samples and empties its outbox into the reference server (SQLite, in its own process, over loopback). Wall time from opening the connection (TCP, the WebSocket upgrade, the Hello with its resume token and the first flight) to the acknowledgement of the last event; median (min to max) of ${runs} runs${warm(d.warmupRuns)}. WebSocket: each run is a device with one earlier session, so its Hello resumes. Round trips: the longest chain of "send, then wait for the answer before sending more" after connection setup (the window of 1,024 events bounds each flight); HTTP batch: POSTs, each up to 1 MiB. The app's outbox is the in-memory one of @ferry/reference-client.`,
    "",
    table(
      ["binding", "events", "wall time", "round trips", "+ setup", "resumed"],
      d.figures.map((f) => [f.binding, fmtInt(f.events), statCell(f.wallMs, fmtMs), statCell(f.roundTrips), String(f.setupRoundTrips), f.resumed === undefined ? "n/a" : f.resumed ? "yes" : "no"]),
      ["l", "r", "r", "r", "r", "l"],
    ),
  ].join("\n");
}

export function ingestMarkdown(i: IngestSection): string {
  const runs = i.figures[0]?.rate.runs ?? 0;
  return [
    "## Server ingest",
    "",
    `Durable events per second through the reference server (WebSocket sessions of the reference client, 16-byte events; the server acknowledges only what it committed), median (min to max) of ${runs} runs${warm(i.warmupRuns)}. Clients connect first; the time runs from handing each client its share to the last acknowledgement. The ceiling is the same SQLite engine on a fresh file with the reference store's settings (WAL, synchronous FULL) inserting the same event rows, in transactions of the size the server's group commit used in that run, right after it; the ratio is taken per run. The server does more per event than the ceiling: the duplicate check, custody ranges, the delivery log row, and the WebSocket and protobuf work, in one process.`,
    "",
    table(
      ["clients", "events per run", "durable events/s", "events per commit", "plain-insert ceiling, events/s", "server ÷ ceiling"],
      i.figures.map((f) => [String(f.clients), fmtInt(f.events), statCell(f.rate), statCell(f.eventsPerCommit), statCell(f.ceiling), statCell(f.ratio, fmtRatio)]),
      ["r", "r", "r", "r", "r", "r"],
    ),
  ].join("\n");
}

export function conformanceMarkdown(c: ConformanceSection): string {
  if (c.status === "not measured") return ["## Conformance speed", "", `Not measured: ${c.reason}.`].join("\n");
  return [
    "## Conformance speed",
    "",
    "Simulated cases per second for each role's suite, median (min to max); a run executes every case once.",
    "",
    table(
      ["role", "suite", "cases", "cases/s", "failed executions"],
      c.figures.map((f) => [f.role, f.suite, String(f.cases), statCell(f.casesPerSecond), String(f.failures)]),
      ["l", "l", "r", "r", "r"],
    ),
  ].join("\n");
}
