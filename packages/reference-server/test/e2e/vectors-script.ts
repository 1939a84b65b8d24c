/** The app-server exchange vectors (spec/vectors), read as scripts for the e2e tests. */
import { fileURLToPath } from "node:url";
import { decodeMessage, type Hello, type Message } from "@ferry/protocol";
import { fromHex, loadVectors, type ExchangeVector } from "@ferry/protocol/vectors";
import { MemoryOutbox } from "@ferry/reference-client";

const DIR = fileURLToPath(new URL("../../../../spec/vectors", import.meta.url));

export interface Script {
  name: string;
  hello: Hello;
  /** The first flight's messages, in order. */
  flight: Message[];
  /** The server's steps, decoded. */
  server: Message[];
}

export function script(name: string): Script {
  const v = loadVectors(DIR)
    .flatMap((f) => f.vectors)
    .find((x): x is ExchangeVector => x.name === name && x.kind === "exchange");
  if (!v) throw new Error(`no exchange vector ${name}`);
  const decode = (hex: string) => decodeMessage(fromHex(hex));
  const app = v.steps.filter((s) => s.from === "app").map((s) => decode(s.hex));
  const hello = app[0];
  if (hello?.type !== "hello") throw new Error(`${name}: the first app step is not a Hello`);
  return { name, hello: hello.hello, flight: app.slice(1), server: v.steps.filter((s) => s.from === "server").map((s) => decode(s.hex)) };
}

/** An outbox holding the script's first flight, streams in the order of Hello.pending [HS-4]. */
export function outboxOf(s: Script): MemoryOutbox {
  const o = new MemoryOutbox();
  for (const key of s.hello.pending) {
    for (const m of s.flight) {
      if (m.type !== "events" || m.events.stream !== key.stream || m.events.epoch !== key.epoch) continue;
      m.events.payloads.forEach((p, i) => o.add(key, m.events.priority, m.events.firstSeq + BigInt(i), p));
    }
  }
  return o;
}

/** The server step of a type, or a failure naming the script. */
export function step<T extends Message["type"]>(s: Script, type: T): Extract<Message, { type: T }> {
  const m = s.server.find((x) => x.type === type);
  if (!m) throw new Error(`${s.name}: no ${type} step`);
  return m as Extract<Message, { type: T }>;
}
