/**
 * Ingest, resume and downlink over WebSocket against a real ferry-server,
 * with the exchanges of spec/vectors handshake.json and resume.json as the
 * script: the app's first flights are the vectors' (the session tests check
 * them byte for byte), the server's answers are compared field by field
 * where the vectors say they are not the implementation's choice.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Ack, ClientOutcome, Command, StreamAck } from "@ferry/protocol";
import { ServerLeg, WebSocketLeg, type LegEnd, type WebSocketLegOptions } from "@ferry/reference-client";
import { commandOutcome, enqueueCommand, hexOf, pullAll, startServer, tempDir, waitFor, type ServerProcess } from "./harness.js";
import { auditDeliveries, Producer, RecordingOutbox } from "./ledger.js";
import { outboxOf, script, step, type Script } from "./vectors-script.js";

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** The vectors' server configuration (spec/vectors/README.md). */
const VECTOR_SERVER = ["--window-events", "1024", "--window-bytes", "1048576", "--max-message", "1048576"];

async function server(args: string[] = VECTOR_SERVER, db?: string, port?: number): Promise<ServerProcess> {
  const s = await startServer({ db: db ?? `${tempDir(cleanup)}/ferry.db`, args, ...(port !== undefined && { port }) });
  cleanup.push(() => s.kill("SIGKILL"));
  return s;
}

type Seen = { welcome: ClientOutcome } | { ack: Ack } | { command: Command };

/** One connection playing a script's first flight; records what the server sends, in order. */
async function play(srv: ServerProcess, s: Script, extra: Partial<WebSocketLegOptions> = {}) {
  const outbox = outboxOf(s);
  const seen: Seen[] = [];
  const leg = new WebSocketLeg({
    url: srv.url,
    source: outbox,
    deviceId: s.hello.deviceId,
    credential: s.hello.credential,
    ...(s.hello.window && { window: s.hello.window }),
    wakeBudgetMs: s.hello.wakeBudgetMs,
    features: s.hello.features,
    onWelcome: (welcome) => seen.push({ welcome }),
    onAck: (ack) => seen.push({ ack }),
    onCommand: (command) => void seen.push({ command }),
    ...extra,
  });
  const ended: Promise<LegEnd> = leg.run();
  return { leg, outbox, seen, ended };
}

/** What all Acks of the connection cover, per stream: the last StreamAck of each. */
function finalCustody(seen: Seen[]): StreamAck[] {
  const last = new Map<string, StreamAck>();
  for (const x of seen) if ("ack" in x) for (const sa of x.ack.streams) last.set(`${sa.stream}/${sa.epoch}`, sa);
  return [...last.values()].sort((a, b) => a.stream - b.stream);
}
const sorted = (acks: StreamAck[]) => [...acks].sort((a, b) => a.stream - b.stream);

describe("WebSocket binding, end to end", () => {
  it("[HS-6] [HS-10] [HS-12] [HS-8] [CMD-11] plays the vectors: first flight, resume with a queued command, refused tokens", async () => {
    const srv = await server();
    const fresh = script("app-server-first-flight");
    const device = hexOf(fresh.hello.deviceId);

    // 1. A fresh session; the first flight is acknowledged in one round trip.
    const one = await play(srv, fresh);
    await waitFor("the first flight acknowledged", () => one.outbox.isEmpty, { describe: () => JSON.stringify(one.seen.length) });
    const welcome1 = one.seen[0] && "welcome" in one.seen[0] ? one.seen[0].welcome : undefined;
    const vw = step(fresh, "welcome").welcome;
    expect(welcome1, "the Welcome comes first [HS-6]").toBeDefined();
    expect(welcome1).toMatchObject({ major: vw.major, features: vw.features, resumed: false, resumeRefused: 0, window: vw.window, maxMessage: vw.maxMessage });
    expect(sorted(welcome1!.custody)).toEqual(sorted(vw.custody));
    expect(finalCustody(one.seen)).toEqual(sorted(step(fresh, "ack").ack.streams));
    one.leg.close(1000);
    await one.ended;

    // 2. The app comes back with its token; a command was queued meanwhile.
    const id = await enqueueCommand(srv.base, device, new TextEncoder().encode("unlock"), 30_000);
    const resume = script("resume-accepted");
    const two = await play(srv, resume, { resumeToken: welcome1!.resumeToken });
    await waitFor("resumed, acknowledged and the command received", () => two.outbox.isEmpty && two.seen.some((x) => "command" in x));
    const kinds = two.seen.map((x) => Object.keys(x)[0]);
    expect(kinds.indexOf("welcome"), "Welcome, then the Ack, then commands [HS-12]").toBe(0);
    expect(kinds.indexOf("ack")).toBeLessThan(kinds.indexOf("command"));
    const welcome2 = (two.seen[0] as { welcome: ClientOutcome }).welcome;
    expect(welcome2).toMatchObject({ resumed: true, resumeRefused: 0, sessionId: welcome1!.sessionId });
    expect(sorted(welcome2.custody)).toEqual(sorted(step(resume, "welcome").welcome.custody));
    expect(finalCustody(two.seen)).toEqual(sorted(step(resume, "ack").ack.streams));
    const command = two.seen.find((x): x is { command: Command } => "command" in x)!.command;
    const vc = step(resume, "command").command;
    expect({ ...command, id: 0n }).toEqual({ ...vc, id: 0n, ttlMs: command.ttlMs });
    expect(command.id).toBe(id);
    expect(command.ttlMs).toBeLessThanOrEqual(30_000);
    await waitFor("the CommandAck recorded [CMD-7]", async () => (await commandOutcome(srv.base, device, id)).outcome === "received");
    expect(two.leg.sendCommandAck({ ids: [id], outcome: "executed", scope: "end-to-end" })).toBe(true);
    await waitFor("the device's outcome recorded [CMD-13]", async () => (await commandOutcome(srv.base, device, id)).outcome === "executed");
    two.leg.close(1000);
    await two.ended;

    // 3. A token the server did not mint (the vectors' key): a fresh session, the events acknowledged again [HS-9] [HS-14].
    const forged = script("resume-refused-token-invalid");
    const three = await play(srv, forged, { resumeToken: forged.hello.resumeToken });
    await waitFor("the repeated first flight acknowledged", () => three.outbox.isEmpty);
    const welcome3 = (three.seen[0] as { welcome: ClientOutcome }).welcome;
    expect(welcome3).toMatchObject({ resumed: false, resumeRefused: 22 });
    expect(welcome3.sessionId).not.toEqual(welcome1!.sessionId);
    three.leg.close(1000);
    await three.ended;

    // Everything delivered once, in order, with the vectors' payloads [ACK-7] [ACK-12].
    const log = (await pullAll(srv.base)).filter((d) => d.kind === "event" && d.deviceId === device);
    const expected = [...fresh.flight, ...resume.flight].flatMap((m) =>
      m.type === "events" ? m.events.payloads.map((p, i) => `${m.events.stream}/${m.events.firstSeq + BigInt(i)}=${Buffer.from(p).toString("base64")}`) : [],
    );
    expect(log.map((d) => `${d.stream}/${d.seq}=${d.payload}`).sort()).toEqual(expected.sort());
  });

  it("[HS-9] [SEC-5] resume-refused-token-expired: a token past its TTL opens a fresh session, nothing lost", async () => {
    const srv = await server([...VECTOR_SERVER, "--resume-ttl", "1"]);
    const first = await play(srv, script("app-server-first-flight"));
    await waitFor("acknowledged", () => first.outbox.isEmpty);
    const token = (first.seen[0] as { welcome: ClientOutcome }).welcome.resumeToken;
    first.leg.close(1000);
    await first.ended;
    // The token expires one TTL (1 s, whole seconds) after it was minted; wait it out, with margin.
    await new Promise((r) => setTimeout(r, 2_100));
    const expired = script("resume-refused-token-expired");
    const again = await play(srv, expired, { resumeToken: token });
    await waitFor("acknowledged after the refusal", () => again.outbox.isEmpty);
    expect((again.seen[0] as { welcome: ClientOutcome }).welcome).toMatchObject({ resumed: false, resumeRefused: 23 });
    expect(finalCustody(again.seen)).toEqual(sorted(step(expired, "ack").ack.streams));
    again.leg.close(1000);
    await again.ended;
  });

  it("[HS-5] [HS-8] [CMD-11] streams through a graceful restart (close 1001) on the same file and port; resumes; downlink both ways", async () => {
    const dir = tempDir(cleanup);
    let srv = await server(undefined, `${dir}/ferry.db`);
    const deviceId = Uint8Array.from([0xe2, 0xe0, 0x01]);
    const outbox = new RecordingOutbox();
    const producer = new Producer(deviceId, outbox);
    const key = { stream: 1, epoch: 0xabc };
    const alarm = { stream: 7, epoch: 0xabc };
    const commands: bigint[] = [];
    const ends: LegEnd[] = [];
    const leg = new ServerLeg({
      url: srv.url,
      source: outbox,
      deviceId,
      credential: new TextEncoder().encode("demo-app-credential"),
      onCommand: (c) => void commands.push(c.id),
      onEnd: (e) => ends.push(e),
    });
    cleanup.push(() => leg.stop());
    producer.produce(key, "bulk", 3000);
    producer.produce(alarm, "critical", 3);
    leg.start();
    await waitFor("3003 events acknowledged", () => outbox.isEmpty, { describe: () => `${outbox.size} held` });
    const id1 = await enqueueCommand(srv.base, hexOf(deviceId), new Uint8Array([1]));
    await waitFor("command pushed at once [CMD-11]", () => commands.includes(id1));

    // SIGTERM: the server closes every socket with 1001 and exits; the client resumes on the next one.
    await srv.kill("SIGTERM");
    producer.produce(key, "bulk", 500);
    leg.flush();
    const id2 = await (async () => {
      srv = await server(undefined, `${dir}/ferry.db`, srv.port);
      return enqueueCommand(srv.base, hexOf(deviceId), new Uint8Array([2]));
    })();
    await waitFor("resumed and drained", () => leg.stats.welcomes >= 2 && outbox.isEmpty, { describe: () => `${JSON.stringify(leg.stats)}, ${outbox.size} held` });
    expect(ends[0], "the server went away with 1001").toMatchObject({ closeCode: 1001, action: "resume-soon" });
    expect(leg.lastOutcome?.resumed, "the token survives the restart (key kept beside the database)").toBe(true);
    await waitFor("the command queued during the restart delivered", () => commands.includes(id2));
    expect(commands.filter((c) => c === id2)).toHaveLength(1);
    const problems = auditDeliveries(await pullAll(srv.base), [producer]);
    expect(problems, problems.join("\n")).toEqual([]);
  });
});
