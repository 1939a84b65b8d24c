/**
 * The codecs compared, each as an encode and a decode of one fixture:
 *
 * - ferry: @ferry/protocol's encodeMessage/decodeMessage, the generated
 *   static protobufjs code plus the mapping to and from the validated types
 *   (what every Ferry peer runs);
 * - generated: the generated static code alone, on wire objects;
 * - reflection: protobufjs reflection, spec/proto loaded at run time;
 * - json: JSON.stringify / JSON.parse of the message's JSON form (the text
 *   step only: the least a JSON protocol pays);
 * - ferry-json: the HTTP JSON binding's full path (messageToJson and
 *   stringify; parse, schema validation and messageFromJson).
 *
 * Every codec is checked to round-trip the fixture to the same bytes before
 * it is timed (checkCodecs), so the figures compare equal work.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import protobuf from "protobufjs";
import { decodeMessage, encodeMessage, messageFromJson, messageToJson, type Message } from "@ferry/protocol";
import { PROTO_DIR, REPO_ROOT } from "../paths.js";

export const CODEC_NAMES = ["ferry", "generated", "reflection", "json", "ferry-json"] as const;
export type CodecName = (typeof CODEC_NAMES)[number];

export interface BoundCodec {
  name: CodecName;
  encode: () => unknown;
  decode: () => unknown;
}

/** The part of a protobufjs message type (static or reflected) the bench calls. */
interface PbType {
  encode(message: unknown): { finish(): Uint8Array };
  decode(bytes: Uint8Array): unknown;
}

/**
 * The generated static module is internal to @ferry/protocol (no export
 * reaches it), so it is loaded by its path in the workspace; @ferry/protocol
 * is imported first, which installs Long in the shared protobufjs runtime.
 */
async function loadGenerated(): Promise<PbType> {
  const url = pathToFileURL(join(REPO_ROOT, "packages", "protocol", "src", "generated", "ferry.js")).href;
  const mod = (await import(url)) as { ferry: { v1: { Message: PbType } } };
  return mod.ferry.v1.Message;
}

function loadReflection(): PbType {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => join(PROTO_DIR, target);
  root.loadSync("ferry/v1/message.proto");
  return root.lookupType("ferry.v1.Message") as unknown as PbType;
}

let types: Promise<{ generated: PbType; reflection: PbType }> | undefined;

function pbTypes(): Promise<{ generated: PbType; reflection: PbType }> {
  types ??= loadGenerated().then((generated) => ({ generated, reflection: loadReflection() }));
  return types;
}

const same = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** One codec bound to one message: what a codec child times. */
export async function bindCodec(name: CodecName, message: Message): Promise<BoundCodec> {
  const bytes = encodeMessage(message);
  switch (name) {
    case "ferry":
      return { name, encode: () => encodeMessage(message), decode: () => decodeMessage(bytes) };
    case "generated": {
      const { generated } = await pbTypes();
      const wire = generated.decode(bytes);
      return { name, encode: () => generated.encode(wire).finish(), decode: () => generated.decode(bytes) };
    }
    case "reflection": {
      const { reflection } = await pbTypes();
      const wire = reflection.decode(bytes);
      return { name, encode: () => reflection.encode(wire).finish(), decode: () => reflection.decode(bytes) };
    }
    case "json": {
      const jsonForm = messageToJson(message);
      const text = JSON.stringify(jsonForm);
      return { name, encode: () => JSON.stringify(jsonForm), decode: () => JSON.parse(text) as unknown };
    }
    case "ferry-json": {
      const text = JSON.stringify(messageToJson(message));
      return { name, encode: () => JSON.stringify(messageToJson(message)), decode: () => messageFromJson(JSON.parse(text)) };
    }
  }
}

/**
 * Every codec must round-trip the message to its canonical bytes, so the
 * figures compare equal work. Run by the parent, never in a timing child
 * (calls here would shape that child's JIT state).
 */
export async function checkCodecs(message: Message): Promise<void> {
  const { generated, reflection } = await pbTypes();
  const bytes = encodeMessage(message);
  for (const name of CODEC_NAMES) {
    const c = await bindCodec(name, message);
    const decoded = c.decode();
    const again =
      name === "ferry"
        ? encodeMessage(decoded as Message)
        : name === "generated"
          ? generated.encode(decoded).finish()
          : name === "reflection"
            ? reflection.encode(decoded).finish()
            : encodeMessage(messageFromJson(JSON.parse(c.encode() as string)));
    if (!same(again, bytes)) throw new Error(`codec ${name} does not round-trip the fixture to its canonical ${bytes.length} bytes`);
  }
}
