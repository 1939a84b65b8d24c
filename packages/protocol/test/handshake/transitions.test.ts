import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Message } from "../../src/message.js";
import {
  CENTRAL_TABLE,
  CLIENT_TABLE,
  CentralHandshake,
  ClientHandshake,
  HANDSHAKE_TABLES,
  PERIPHERAL_TABLE,
  PeripheralHandshake,
  SERVER_TABLE,
  ServerHandshake,
  advance,
  toMermaid,
  type MachineTable,
} from "../../src/handshake/index.js";
import { NOW_S, T0, clientOffer, deviceInfo, events, serverConfig } from "./fixtures.js";

describe("handshake transition tables", () => {
  it.each(HANDSHAKE_TABLES.map((t) => [t.name, t] as const))("%s is deterministic, closed and reachable", (_name, table) => {
    const t = table as MachineTable<string, string>;
    expect(t.states).toContain(t.initial);
    const keys = t.transitions.map((r) => `${r.from}|${r.on}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const r of t.transitions) expect(t.states.includes(r.from) && t.states.includes(r.to)).toBe(true);
    for (const s of t.terminal) expect(t.transitions.some((r) => r.from === s)).toBe(false);
    const reached = new Set([t.initial]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const r of t.transitions) if (reached.has(r.from) && !reached.has(r.to)) (reached.add(r.to), (grew = true));
    }
    expect([...reached].sort()).toEqual([...t.states].sort());
    expect(Object.keys(t.maySend).sort()).toEqual([...t.states].sort());
    const diagram = toMermaid(t);
    expect(diagram.split("\n")).toHaveLength(1 + t.states.length + 1 + t.transitions.length + t.terminal.length);
  });

  it("[HS-1] only the app's first flight (events, accountings) may follow an unanswered Hello", () => {
    expect(CLIENT_TABLE.maySend["hello-sent"]).toEqual(["events", "accounting"]);
    expect(CLIENT_TABLE.maySend.idle).toEqual([]);
    expect(CENTRAL_TABLE.maySend["hello-sent"]).toEqual([]);
    expect(() => advance(SERVER_TABLE, "failed", "hello")).toThrow(/INTERNAL/);
  });

  // Any sequence of messages moves each machine only along rows of its table.
  const arbMessage: fc.Arbitrary<Message> = fc.oneof(
    fc.constant(new ClientHandshake().start(clientOffer(), T0)),
    fc.constant(new ClientHandshake().start(clientOffer({ majors: [7] }), T0)),
    fc.constant(new ClientHandshake().start(clientOffer({ credential: new Uint8Array(1) }), T0)),
    fc.constantFrom(events(1, 7, 0n), { type: "ack", ack: { streams: [], scope: "hop", commandsPending: 0 } } as Message),
    fc.constant({ type: "error", error: { code: 20, detail: "x" } } as Message),
    fc.constant({
      type: "welcome",
      welcome: { major: 1, minor: 0, features: 0, sessionId: new Uint8Array(16), resumeToken: new Uint8Array(0), resumeTtlS: 0, resumed: false, resumeRefused: 0, custody: [{ stream: 1, epoch: 7, nextSeq: 0n, received: [], accounted: [] }], maxMessage: 0 },
    } as Message),
  );

  function checkStep<S extends string>(table: MachineTable<S, string>, machine: { state: S }, step: () => string): void {
    const before = machine.state;
    const kind = step();
    const after = machine.state;
    if (kind === "ignored") expect(before === after && table.terminal.includes(before)).toBe(true);
    else expect(table.transitions.some((r) => r.from === before && r.to === after), `${table.name}: ${before} -> ${after}`).toBe(true);
  }

  it("every machine moves only along its table's rows", () => {
    fc.assert(
      fc.property(fc.array(arbMessage, { maxLength: 6 }), fc.boolean(), (msgs, started) => {
        const server = new ServerHandshake(serverConfig(), T0);
        const client = new ClientHandshake();
        if (started) client.start(clientOffer(), T0);
        const peripheral = new PeripheralHandshake({ info: deviceInfo(), window: { events: 1, bytes: 1 }, nextSeq: () => 0n }, 0);
        const central = new CentralHandshake({ majors: [1], minor: 0, features: 0, window: { events: 1, bytes: 1 }, maxMessage: 0, wakeBudgetMs: 0 });
        if (started) central.start(deviceInfo(), [], 0);
        for (const m of msgs) {
          checkStep(SERVER_TABLE, server, () => server.handleMessage(m, NOW_S).kind);
          checkStep(CLIENT_TABLE, client, () => client.handleMessage(m).kind);
          checkStep(PERIPHERAL_TABLE, peripheral, () => peripheral.handleMessage(m).kind);
          checkStep(CENTRAL_TABLE, central, () => central.handleMessage(m).kind);
        }
      }),
    );
  });
});
