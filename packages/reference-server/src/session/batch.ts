/**
 * One HTTP batch [HTTP-3]..[HTTP-6] [HTTP-9] [HTTP-12]: the Hello checked as
 * a WebSocket Hello is, in the order of [HS-13] (its resume token and window
 * ignored), the messages checked before anything is stored, the events and
 * accountings committed in one request, the CommandAcks recorded, and one
 * Ack reporting durable custody of every stream the batch names. Any
 * refusal throws the ProtocolError the binding turns into a status and an
 * Error body. Events whose device signature fails are no refusal: they are
 * accounted REJECTED and the 200 answer's Ack carries the range [SEC-11].
 */
import {
  ProtocolError,
  ServerHandshake,
  SPOKEN_MAJORS,
  SPOKEN_MINOR,
  type Ack,
  type Accounting,
  type Batch,
  type CommandAck,
  type EventRun,
  type ResumeTokens,
  type StreamAck,
  type StreamKey,
} from "@ferry/protocol";
import type { Credentials } from "../auth.js";
import type { Store } from "../store/store.js";
import type { Committer } from "./committer.js";
import type { Clock, SourceThrottle } from "./context.js";
import { streamKeyId } from "./conflicts.js";
import { storeFailure, StreamError } from "./errors.js";
import { serverFeatures } from "./features.js";
import { checkSignatures, type KeyRegistry } from "./signature-check.js";

export interface BatchContext {
  credentials: Pick<Credentials, "authenticate">;
  store: Pick<Store, "custody" | "pendingCommands" | "settleCommands">;
  committer: Committer;
  clock: Clock;
  throttle: SourceThrottle;
  maxMessage: number;
  /** Device keys registered out of band [SEC-9]; absent, no signature is verified. */
  deviceKeys?: KeyRegistry | undefined;
}

/** The batch binding has no session: nothing is minted or verified [HTTP-3]. */
const NO_TOKENS: ResumeTokens = {
  mint: () => ({ token: new Uint8Array(0), ttlS: 0 }),
  verify: () => ({ ok: false, reason: "TOKEN_INVALID" }),
};

/** `bearer`: the token of an Authorization header, if any [HTTP-6]. */
export async function processBatch(batch: Batch, ctx: BatchContext, bearer?: string): Promise<Ack> {
  const hello = { ...batch.hello, resumeToken: new Uint8Array(0), custody: [] };
  if (bearer !== undefined) {
    const fromHeader = new Uint8Array(Buffer.from(bearer, "ascii"));
    if (hello.credential.length === 0) hello.credential = fromHeader;
    else if (Buffer.compare(hello.credential, fromHeader) !== 0) throw new ProtocolError("AUTH_FAILED", "Authorization header and Hello.credential differ [HTTP-6]");
  }
  if (ctx.throttle.blocked()) throw new ProtocolError("RATE_LIMITED", "too many failed credentials from this address");
  const hs = new ServerHandshake(
    {
      authenticate: (c, d) => ctx.credentials.authenticate(c, d),
      tokens: NO_TOKENS,
      custodyOf: () => [],
      randomBytes: (n) => new Uint8Array(n),
      limits: { majors: SPOKEN_MAJORS, minor: SPOKEN_MINOR, features: serverFeatures(ctx.deviceKeys), window: { events: 0, bytes: 0 }, maxMessage: ctx.maxMessage },
    },
    0,
  );
  const step = hs.handleMessage({ type: "hello", hello }, ctx.clock.now() / 1000);
  if (step.kind === "failed") {
    if (step.error.errorName === "AUTH_FAILED") ctx.throttle.failed();
    throw step.error;
  }
  const deviceId = hello.deviceId;
  const { runs, accountings, commandAcks } = sortMessages(batch);

  let custody: StreamAck[] = [];
  if (runs.length > 0 || accountings.length > 0) {
    // [SEC-11] an answer holds one message [HTTP-10]: the Ack's REJECTED ranges are the report, below next_seq too [ACK-22].
    const checked = checkSignatures(runs, deviceId, ctx.deviceKeys);
    let outcome;
    try {
      outcome = await ctx.committer.submit({ deviceId, runs: checked.runs, accountings, rejected: checked.rejected, nowMs: ctx.clock.now() });
    } catch (e) {
      throw storeFailure(e);
    }
    const conflict = outcome.conflicts[0];
    // [ACK-8] the stored events are kept; the client posts again without the named message (chapter 12.4).
    if (conflict) throw new StreamError("SEQUENCE_CONFLICT", "identity already held with a different payload [ACK-8]", conflict);
    custody = outcome.custody;
  }
  try {
    for (const a of commandAcks) await ctx.store.settleCommands(deviceId, a.ids, a.outcome, a.scope);
    const streams = await custodyOf(ctx, deviceId, [...runs, ...accountings, ...hello.pending], custody);
    // [HTTP-9] [CMD-12] commands wait for a WebSocket session; the app learns how many.
    const commandsPending = (await ctx.store.pendingCommands(deviceId, ctx.clock.now())).length;
    return { streams, scope: "hop", commandsPending };
  } catch (e) {
    throw storeFailure(e);
  }
}

/** [HTTP-4] EventRun, Accounting and CommandAck only, epochs explicit [ENV-5]; checked before anything is stored [HTTP-10]. */
function sortMessages(batch: Batch): { runs: EventRun[]; accountings: Accounting[]; commandAcks: CommandAck[] } {
  const runs: EventRun[] = [];
  const accountings: Accounting[] = [];
  const commandAcks: CommandAck[] = [];
  batch.messages.forEach((m, i) => {
    switch (m.type) {
      case "events":
        if (m.events.epoch === 0) throw new ProtocolError("INVALID_FIELD", `message ${i}: event run with epoch 0 on the server leg [ENV-5]`);
        runs.push(m.events);
        return;
      case "accounting":
        if (m.accounting.epoch === 0) throw new ProtocolError("INVALID_FIELD", `message ${i}: accounting with epoch 0 on the server leg [ENV-5]`);
        accountings.push(m.accounting);
        return;
      case "commandAck":
        commandAcks.push(m.commandAck);
        return;
      default:
        throw new ProtocolError("UNEXPECTED_MESSAGE", `message ${i}: ${m.type} is not allowed in a batch [HTTP-4]`);
    }
  });
  return { runs, accountings, commandAcks };
}

/** [HTTP-5] one StreamAck per distinct (stream, epoch), in the order the batch names them. */
async function custodyOf(ctx: BatchContext, deviceId: Uint8Array, named: StreamKey[], known: StreamAck[]): Promise<StreamAck[]> {
  const byKey = new Map(known.map((a) => [streamKeyId(a), a]));
  const keys = [...new Map(named.map((k) => [streamKeyId(k), { stream: k.stream, epoch: k.epoch }])).values()];
  const missing = keys.filter((k) => !byKey.has(streamKeyId(k)));
  if (missing.length > 0) for (const a of await ctx.store.custody(deviceId, missing)) byKey.set(streamKeyId(a), a);
  return keys.map((k) => byKey.get(streamKeyId(k))!).filter((a) => a !== undefined);
}
