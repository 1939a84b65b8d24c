/**
 * The device's side of the GATT handshake [DHS-1]..[DHS-4].
 *
 * Handles the Hello written to the control point: field rules, version,
 * then the app's custody against the device's own counters. The outcome
 * gives, per declared stream, the app's custody (a StreamAck): the device's
 * buffer replays every buffered event it does not cover, critical first,
 * right after the Welcome indication. The custody also reports what the app
 * holds durably, as a hop Ack would.
 *
 * A Hello on an established connection starts a new device session on it
 * (an app relaunched from terminated keeps the OS's connection [LIFE-6]
 * [DHS-9]): a new Welcome and a new replay plan that replace the old ones.
 *
 * If the app holds a sequence of the current epoch that the device has not
 * produced yet, the device lost its counters but kept its epoch:
 * SEQUENCE_REGRESSION, fatal. The fault is the device's own ("local"); its
 * way out is a new epoch [ID-2].
 */
import type { DeviceInfo, Hello, Message, MessageType, StreamAck, StreamRef, Window } from "../message.js";
import { type Established, type Failed, type HandOn, type Ignored, HANDSHAKE_TIMEOUT_MS, IGNORED, DEFAULT_WINDOW } from "./step.js";
import { handOn, refuse, timedOut } from "./step.js";
import { type PeripheralInput, type PeripheralState, PERIPHERAL_TABLE, advance } from "./transitions.js";
import { chooseMajor, commonFeatures, minorFor } from "./version.js";

export interface PeripheralConfig {
  /** The device's own Info value: majors, minor, features, epoch, streams, max message. */
  info: DeviceInfo;
  /** What the device grants the app for commands [FLOW-2]. */
  window: Window;
  /** The next sequence the device will produce on a stream of its current epoch. */
  nextSeq(stream: number): bigint;
  timeoutMs?: number;
}

export interface PeripheralOutcome {
  major: number;
  /** The app's minor of `major` [VER-3]. */
  minor: number;
  features: number;
  /** The app's grant (its default when the Hello has none): bounds uplink events [FLOW-2]. */
  window: Window;
  /** The app's largest accepted message; 0 = the GATT default [ENV-8]. */
  maxMessage: number;
  wakeBudgetMs: number;
  /** [DHS-3] Per declared stream, the app's custody: replay what it does not cover. */
  replay: StreamAck[];
  /** A new session on a connection that had one [DHS-9]: drop the old session's state. */
  restarted: boolean;
}

export type PeripheralStep = Established<PeripheralOutcome> | Failed | HandOn | Ignored;

export class PeripheralHandshake {
  #state: PeripheralState = PERIPHERAL_TABLE.initial;
  #deadline: number | undefined;
  #outcome: PeripheralOutcome | undefined;
  readonly #config: PeripheralConfig;
  readonly timeoutMs: number;

  /** `openedAt`: when the central connected; a Hello is due within the timeout. */
  constructor(config: PeripheralConfig, openedAt: number) {
    this.#config = config;
    this.timeoutMs = config.timeoutMs ?? HANDSHAKE_TIMEOUT_MS.peripheral;
    this.#deadline = openedAt + this.timeoutMs;
  }

  get state(): PeripheralState {
    return this.#state;
  }

  get outcome(): PeripheralOutcome | undefined {
    return this.#outcome;
  }

  maySend(type: MessageType): boolean {
    return PERIPHERAL_TABLE.maySend[this.#state].includes(type);
  }

  handleMessage(msg: Message): PeripheralStep {
    switch (this.#state) {
      case "failed":
        return IGNORED;
      case "established":
        if (msg.type === "hello") return this.#accept(msg.hello);
        if (msg.type === "welcome") return this.#fail("unexpected", refuse("UNEXPECTED_MESSAGE", "Welcome sent to a device"));
        this.#go("session-message");
        return handOn(msg);
      case "awaiting-hello":
        if (msg.type !== "hello") return this.#fail("unexpected", refuse("UNEXPECTED_MESSAGE", `${msg.type} before Hello`));
        return this.#accept(msg.hello);
    }
  }

  pollTimeout(): number | undefined {
    return this.#state === "awaiting-hello" ? this.#deadline : undefined;
  }

  handleTimeout(now: number): Failed | undefined {
    if (this.#state !== "awaiting-hello" || this.#deadline === undefined || now < this.#deadline) return undefined;
    return this.#fail("timeout", timedOut(`no Hello within ${this.timeoutMs} ms`));
  }

  #accept(hello: Hello): PeripheralStep {
    const { info } = this.#config;
    if (hello.majors.length === 0) return this.#fail("hello-refused", refuse("INVALID_FIELD", "hello lists no protocol major [VER-2]"));
    if (hello.role !== "app") return this.#fail("hello-refused", refuse("INVALID_FIELD", `role ${hello.role} on the device leg [HS-2]`));
    const major = chooseMajor(hello.majors, info.majors);
    if (major === undefined) {
      return this.#fail("hello-refused", refuse("VERSION_UNSUPPORTED", `offered ${hello.majors.join(",")}; device speaks ${info.majors.join(",")}`));
    }
    const held = new Map<number, StreamAck>();
    for (const ack of hello.custody) {
      // [ENV-4] epoch 0 on the BLE leg means the current epoch. Other epochs are gone: nothing to replay.
      if (ack.epoch !== 0 && ack.epoch !== info.epoch) continue;
      if (held.has(ack.stream)) return this.#fail("hello-refused", refuse("INVALID_FIELD", `custody repeats stream ${ack.stream}`));
      held.set(ack.stream, { ...ack, epoch: info.epoch });
    }
    const replay: StreamAck[] = [];
    for (const { stream } of info.streams) {
      const ack = held.get(stream) ?? { stream, epoch: info.epoch, nextSeq: 0n, received: [], accounted: [] };
      const produced = this.#config.nextSeq(stream);
      const claimed = claimedEnd(ack);
      if (claimed > produced) return this.#fail("hello-refused", regression(ack, produced, claimed));
      replay.push(ack);
    }
    const features = commonFeatures(hello.features, info.features);
    const restarted = this.#state === "established";
    this.#outcome = {
      major,
      minor: minorFor(hello.majors, hello.minor, major),
      features,
      window: hello.window ?? DEFAULT_WINDOW.appGrantsDevice,
      maxMessage: hello.maxMessage,
      wakeBudgetMs: hello.wakeBudgetMs,
      replay,
      restarted,
    };
    const welcome: Message = {
      type: "welcome",
      welcome: {
        major,
        minor: minorFor(info.majors, info.minor, major),
        features,
        // No session, token or custody on the device leg [DHS-4].
        sessionId: new Uint8Array(0),
        resumeToken: new Uint8Array(0),
        resumeTtlS: 0,
        resumed: false,
        resumeRefused: 0,
        custody: [],
        window: this.#config.window,
        maxMessage: info.maxMessage,
      },
    };
    this.#deadline = undefined;
    this.#go("hello");
    return { kind: "established", outcome: this.#outcome, send: [welcome] };
  }

  #go(input: PeripheralInput): void {
    this.#state = advance(PERIPHERAL_TABLE, this.#state, input);
  }

  #fail(input: PeripheralInput, failure: Failed): Failed {
    this.#deadline = undefined;
    this.#go(input);
    return failure;
  }
}

/** One past the highest sequence a custody claims to hold or have accounted. */
export function claimedEnd(ack: StreamAck): bigint {
  let end = ack.nextSeq;
  for (const r of [...ack.received, ...ack.accounted]) if (r.last + 1n > end) end = r.last + 1n;
  return end;
}

/** [DHS-3] Whether a custody covers a sequence (held or accounted): the device does not replay it. */
export function covers(ack: StreamAck, seq: bigint): boolean {
  if (seq < ack.nextSeq) return true;
  return [...ack.received, ...ack.accounted].some((r) => r.first <= seq && seq <= r.last);
}

function regression(ack: StreamAck, produced: bigint, claimed: bigint): Failed {
  const stream: StreamRef = { stream: ack.stream, epoch: ack.epoch, seq: produced };
  const detail = `app holds stream ${ack.stream} up to ${claimed - 1n}; device's next seq is ${produced}`;
  return refuse("SEQUENCE_REGRESSION", detail, stream, "local");
}
