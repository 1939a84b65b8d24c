/**
 * The exchange vectors agree with the handshake machines: replaying a
 * vector's app messages into ServerHandshake / PeripheralHandshake (with the
 * vectors' key, clock and randomness) gives the server's or device's answer
 * in the vector, and the app's machines accept that answer. On the GATT leg
 * the device replays exactly what the app's custody does not cover,
 * critical first. Error.detail is free text [ERR-3] and is not compared.
 */
import { describe, expect, it } from "vitest";
import { decodeMessage } from "../../src/codec/binary.js";
import { ErrorCode } from "../../src/errors.js";
import { CentralHandshake, ClientHandshake, covers, PeripheralHandshake, resumeTokenAuthority, ServerHandshake } from "../../src/handshake/index.js";
import type { Message } from "../../src/message.js";
import { fromHex, loadVectors, type ExchangeVector, type Party } from "../../src/vectors/index.js";
import { CREDENTIAL, DEVICE_ID, NOW_S, TOKEN_KEY, TOKEN_TTL_S } from "../../scripts/vectors/fixtures.js";
import { APP_GATT, DEVICE_INFO, DEVICE_WINDOW, RESUME_S, SERVER } from "../../scripts/vectors/parties.js";
import { VECTOR_DIR } from "./paths.js";

const files = loadVectors(VECTOR_DIR);
const exchanges = (file: string) => (files.find((f) => f.file === file)?.vectors ?? []).filter((v): v is ExchangeVector => v.kind === "exchange");
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

type Step = { from: Party; msg: Message };
const stepsOf = (v: ExchangeVector): Step[] => v.steps.map((s) => ({ from: s.from, msg: decodeMessage(fromHex(s.hex)) }));
/** The first message `party` sends: the machine's answer to the Hello. */
const answerOf = (steps: Step[], party: Party): Message => steps.find((s) => s.from === party)!.msg;
const withoutDetail = (m: Message): Message => (m.type === "error" ? { type: "error", error: { ...m.error, detail: "" } } : m);

/** Where the machines disagree with a vector (and so with the spec): listed with the reason, run as expected failures. */
const MACHINE_DISAGREES: Readonly<Record<string, string>> = {};

/** Wall-clock seconds at which each app-server file's exchanges happen. */
const CLOCK: Record<string, number> = { "handshake.json": NOW_S, "resume.json": RESUME_S };

/** What ServerHandshake sends for the app's steps, configured as the vectors' server. */
function serverSends(steps: Step[], expected: Message, unixS: number): Message[] {
  const server = new ServerHandshake(
    {
      authenticate: (credential, deviceId) => (!same(credential, CREDENTIAL) ? "auth-failed" : same(deviceId, DEVICE_ID) ? "ok" : "device-not-allowed"),
      tokens: resumeTokenAuthority({ keys: [TOKEN_KEY], ttlS: TOKEN_TTL_S }),
      // The store's custody is the store's business: the vector states it.
      custodyOf: () => (expected.type === "welcome" ? expected.welcome.custody : []),
      randomBytes: () => SERVER.freshSessionId.slice(),
      limits: { majors: [...SERVER.majors], minor: SERVER.minor, features: SERVER.features, window: { ...SERVER.window }, maxMessage: SERVER.maxMessage },
    },
    0,
  );
  const sent: Message[] = [];
  for (const s of steps.filter((s) => s.from === "app")) {
    const r = server.handleMessage(s.msg, unixS);
    if (r.kind === "established" || r.kind === "failed") sent.push(...r.send);
  }
  return sent;
}

/** The app's machine, on a Hello it would itself send, builds that Hello and takes the answer as the vector says. */
function checkClient(first: Message, answer: Message): void {
  if (first.type !== "hello") return;
  const h = first.hello;
  const client = new ClientHandshake();
  let own: Message;
  try {
    own = client.start({ deviceId: h.deviceId, credential: h.credential, resumeToken: h.resumeToken, pending: h.pending, window: h.window!, maxMessage: h.maxMessage, wakeBudgetMs: h.wakeBudgetMs, majors: h.majors, minor: h.minor, features: h.features }, 0);
  } catch {
    return; // a Hello the client refuses to build (no device id): only servers meet it
  }
  if (own.type !== "hello" || own.hello.role !== h.role) return; // a role the client never sends
  expect(own).toEqual(first);
  const r = client.handleMessage(answer);
  if (answer.type === "welcome") {
    expect(r).toMatchObject({ kind: "established", outcome: { resumed: answer.welcome.resumed, resumeRefused: answer.welcome.resumeRefused } });
  } else if (answer.type === "error") {
    expect(r.kind === "failed" && r.error.code).toBe(answer.error.code);
  }
}

describe.each(Object.keys(CLOCK))("%s against the server and client handshakes", (file) => {
  const unixS = CLOCK[file]!;
  const cases = (known: boolean) => exchanges(file).filter((v) => (v.name in MACHINE_DISAGREES) === known).map((v) => [v.name, v] as const);
  const check = (_name: string, v: ExchangeVector) => {
    const steps = stepsOf(v);
    const answer = answerOf(steps, "server");
    expect(serverSends(steps, answer, unixS).map(withoutDetail)).toEqual([withoutDetail(answer)]);
    checkClient(steps[0]!.msg, answer);
  };
  it.each(cases(false))("[HS-1] [HS-6] [HS-9] [HS-13] %s", check);
  if (cases(true).length > 0) it.fails.each(cases(true))("[HS-13] %s (expected failure: the machine disagrees, see MACHINE_DISAGREES)", check);
});

/** The stream and sequence numbers a run or an accounting covers. */
function sequencesOf(m: Message): { stream: number; seqs: bigint[] } | undefined {
  const span = (first: bigint, n: bigint) => Array.from({ length: Number(n) }, (_, i) => first + BigInt(i));
  if (m.type === "events") return { stream: m.events.stream, seqs: span(m.events.firstSeq, BigInt(m.events.payloads.length)) };
  if (m.type === "accounting") return { stream: m.accounting.stream, seqs: m.accounting.ranges.flatMap((g) => span(g.first, g.last - g.first + 1n)) };
  return undefined;
}

/** What the demo device has produced on each stream, per vector: its next sequence. */
const PRODUCED: Record<string, Record<number, bigint>> = {
  "device-fresh": { 1: 4n, 2: 0n, 3: 1n },
  "device-resume": { 1: 10n, 2: 100n, 3: 2n },
  "device-sequence-regression": { 1: 10n, 2: 0n, 3: 0n },
};

describe("device-resume.json against the peripheral and central handshakes", () => {
  it.each(exchanges("device-resume.json").map((v) => [v.name, v] as const))("[DHS-1] [DHS-3] [DHS-4] %s", (name, v) => {
    const steps = stepsOf(v);
    const produced = PRODUCED[name];
    if (!produced) throw new Error(`no device state for ${name}`);
    const hello = steps[0]!.msg;
    if (hello.type !== "hello") throw new Error(`${name} does not open with a Hello`);
    const expected = answerOf(steps, "device");

    const central = new CentralHandshake({ ...APP_GATT, majors: [...APP_GATT.majors], window: { ...APP_GATT.window }, wakeBudgetMs: hello.hello.wakeBudgetMs });
    const start = central.start(DEVICE_INFO, hello.hello.custody, 0);
    expect(start.kind === "hello" ? start.send : start).toEqual([hello]);

    const device = new PeripheralHandshake({ info: DEVICE_INFO, window: DEVICE_WINDOW, nextSeq: (s) => produced[s] ?? 0n }, 0);
    const r = device.handleMessage(hello);
    expect(r.kind === "established" || r.kind === "failed" ? r.send.map(withoutDetail) : r).toEqual([withoutDetail(expected)]);

    const answer = central.handleMessage(expected);
    if (expected.type === "error") {
      expect(answer.kind === "failed" && answer.error.code).toBe(ErrorCode.SEQUENCE_REGRESSION);
      return;
    }
    expect(answer.kind).toBe("established");
    if (r.kind !== "established") throw new Error("device did not establish");

    // [DHS-3] the replay is exactly what the app's custody does not cover, per stream.
    const replayed = new Map<number, bigint[]>();
    for (const s of steps.filter((s) => s.from === "device")) {
      const got = sequencesOf(s.msg);
      if (got) replayed.set(got.stream, [...(replayed.get(got.stream) ?? []), ...got.seqs]);
    }
    for (const ack of r.outcome.replay) {
      const missing: bigint[] = [];
      for (let seq = 0n; seq < (produced[ack.stream] ?? 0n); seq++) if (!covers(ack, seq)) missing.push(seq);
      expect(replayed.get(ack.stream) ?? [], `stream ${ack.stream}`).toEqual(missing);
    }
    // [PRIO-2] critical first: the first replayed run is of the critical stream.
    const firstRun = steps.find((s) => s.from === "device" && s.msg.type === "events")!.msg;
    const critical = DEVICE_INFO.streams.find((s) => s.priority === "critical")!.stream;
    expect(firstRun.type === "events" && firstRun.events.stream).toBe(critical);
  });
});
