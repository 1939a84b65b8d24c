/**
 * The app's handshake toward a device over GATT [DHS-1]..[DHS-4].
 *
 * Input: the DeviceInfo read from the Info characteristic and the app's
 * stored custody. Output: the Hello to write to the control point, carrying
 * the app's custody of the device's current epoch so the device replays
 * exactly what the app lacks ("report records after N", as RACP). Custody of
 * any other epoch is finished: that epoch's counters are gone on the device,
 * and the new epoch starts at next_seq 0 [ID-2]. One control-point exchange
 * (Hello, Welcome by indication) before replay starts.
 */
import { ProtocolError } from "../errors.js";
import type { DeviceInfo, Message, MessageType, StreamAck, Welcome, Window } from "../message.js";
import { type Established, type Failed, type HandOn, type Ignored, HANDSHAKE_TIMEOUT_MS, IGNORED, DEFAULT_WINDOW } from "./step.js";
import { fromPeer, handOn, refuse, timedOut } from "./step.js";
import { type CentralInput, type CentralState, CENTRAL_TABLE, advance } from "./transitions.js";
import { chooseMajor, commonFeatures, isFeatureSubset } from "./version.js";

export interface CentralConfig {
  majors: readonly number[];
  minor: number;
  features: number;
  /** What the app grants the device for uplink events [FLOW-2]. */
  window: Window;
  maxMessage: number;
  wakeBudgetMs: number;
  timeoutMs?: number;
}

/** Where each stream of the device's current epoch starts, known before the Welcome. */
export interface CentralPlan {
  epoch: number;
  /** One StreamAck per declared stream (stored, or next_seq 0) and per stored stream of this epoch. */
  custody: StreamAck[];
  /** Stored custody of other epochs: finished, nothing more will come [ID-2]. */
  finished: StreamAck[];
}

export interface CentralOutcome extends CentralPlan {
  major: number;
  /** The device's minor of `major` [VER-3]. */
  minor: number;
  features: number;
  /** The device's grant for commands (its default when the Welcome has none) [FLOW-2]. */
  window: Window;
  /** The device's largest accepted message; 0 = the GATT default [ENV-8]. */
  maxMessage: number;
}

export type CentralStart = { kind: "hello"; send: Message[]; plan: CentralPlan } | Failed;
export type CentralStep = Established<CentralOutcome> | Failed | HandOn | Ignored;

export class CentralHandshake {
  #state: CentralState = CENTRAL_TABLE.initial;
  #info: DeviceInfo | undefined;
  #plan: CentralPlan | undefined;
  #deadline: number | undefined;
  #outcome: CentralOutcome | undefined;
  readonly #config: CentralConfig;
  readonly timeoutMs: number;

  constructor(config: CentralConfig) {
    this.#config = config;
    this.timeoutMs = config.timeoutMs ?? HANDSHAKE_TIMEOUT_MS.central;
  }

  get state(): CentralState {
    return this.#state;
  }

  get outcome(): CentralOutcome | undefined {
    return this.#outcome;
  }

  maySend(type: MessageType): boolean {
    return CENTRAL_TABLE.maySend[this.#state].includes(type);
  }

  /** [DHS-1] From the Info characteristic and stored custody to the Hello (or a refusal: write nothing, disconnect). */
  start(info: DeviceInfo, stored: readonly StreamAck[], now: number): CentralStart {
    if (this.#state !== "idle") throw new ProtocolError("UNEXPECTED_MESSAGE", `start in state ${this.#state}`, "local");
    const refused = (f: Failed): Failed => {
      this.#go("start-refused");
      return { ...f, send: [] };
    };
    // [ID-2] [VER-2] the codec checks these too; a driver may hand us its own DeviceInfo.
    if (info.epoch === 0) return refused(refuse("INVALID_FIELD", "device info with epoch 0"));
    if (info.majors.length === 0) return refused(refuse("INVALID_FIELD", "device info lists no protocol major"));
    if (chooseMajor(this.#config.majors, info.majors) === undefined) {
      return refused(refuse("VERSION_UNSUPPORTED", `device speaks ${info.majors.join(",")}; app ${this.#config.majors.join(",")}`));
    }
    const plan = planCustody(info, stored);
    this.#info = info;
    this.#plan = plan;
    this.#deadline = now + this.timeoutMs;
    this.#go("start");
    const c = this.#config;
    const hello: Message = {
      type: "hello",
      hello: {
        majors: [...c.majors],
        minor: c.minor,
        role: "app",
        // [DHS-1] no device id and no credential on the device leg: the link is bonded.
        deviceId: new Uint8Array(0),
        features: c.features,
        credential: new Uint8Array(0),
        resumeToken: new Uint8Array(0),
        // [DHS-3] only streams the app holds something of; absent means "replay everything".
        custody: stored.filter((a) => a.epoch === info.epoch),
        window: c.window,
        maxMessage: c.maxMessage,
        wakeBudgetMs: c.wakeBudgetMs,
        pending: [],
      },
    };
    return { kind: "hello", send: [hello], plan };
  }

  handleMessage(msg: Message): CentralStep {
    switch (this.#state) {
      case "failed":
        return IGNORED;
      case "established":
        if (msg.type === "hello" || msg.type === "welcome") {
          return this.#fail("unexpected", refuse("UNEXPECTED_MESSAGE", `${msg.type} after Welcome`));
        }
        this.#go("session-message");
        return handOn(msg);
      case "idle":
        return this.#fail("unexpected", refuse("UNEXPECTED_MESSAGE", `${msg.type} before Hello`));
      case "hello-sent": {
        if (msg.type === "error") return this.#fail("error", fromPeer(msg.error));
        const info = this.#info;
        const plan = this.#plan;
        if (msg.type !== "welcome" || !info || !plan) return this.#fail("unexpected", refuse("UNEXPECTED_MESSAGE", `${msg.type} before Welcome`));
        const fault = welcomeFault(msg.welcome, this.#config, info);
        if (fault) return this.#fail("welcome-invalid", refuse("INVALID_FIELD", fault));
        const w = msg.welcome;
        this.#outcome = { ...plan, major: w.major, minor: w.minor, features: w.features, window: w.window ?? DEFAULT_WINDOW.deviceGrantsApp, maxMessage: w.maxMessage };
        this.#deadline = undefined;
        this.#go("welcome");
        return { kind: "established", outcome: this.#outcome, send: [] };
      }
    }
  }

  pollTimeout(): number | undefined {
    return this.#state === "hello-sent" ? this.#deadline : undefined;
  }

  handleTimeout(now: number): Failed | undefined {
    if (this.#state !== "hello-sent" || this.#deadline === undefined || now < this.#deadline) return undefined;
    return this.#fail("timeout", timedOut(`no Welcome indication within ${this.timeoutMs} ms`));
  }

  #go(input: CentralInput): void {
    this.#state = advance(CENTRAL_TABLE, this.#state, input);
  }

  #fail(input: CentralInput, failure: Failed): Failed {
    this.#deadline = undefined;
    this.#go(input);
    return failure;
  }
}

/** Splits stored custody into this epoch's starting points and finished epochs. */
export function planCustody(info: DeviceInfo, stored: readonly StreamAck[]): CentralPlan {
  const current = new Map<number, StreamAck>();
  const finished: StreamAck[] = [];
  for (const ack of stored) {
    if (ack.epoch !== info.epoch) finished.push(ack);
    else if (current.has(ack.stream)) throw new ProtocolError("INVALID_FIELD", `stored custody repeats stream ${ack.stream}`, "local");
    else current.set(ack.stream, ack);
  }
  for (const s of info.streams) {
    if (!current.has(s.stream)) current.set(s.stream, { stream: s.stream, epoch: info.epoch, nextSeq: 0n, received: [], accounted: [] });
  }
  return { epoch: info.epoch, custody: [...current.values()], finished };
}

function welcomeFault(w: Welcome, c: CentralConfig, info: DeviceInfo): string | undefined {
  if (!c.majors.includes(w.major)) return `major ${w.major} was not offered [VER-2]`;
  if (!info.majors.includes(w.major)) return `major ${w.major} is not in the device's Info [VER-2]`;
  const both = commonFeatures(c.features, info.features);
  if (!isFeatureSubset(w.features, both)) return `features ${w.features} not within ${both} [VER-7]`;
  return undefined;
}
