/**
 * The outbox log's framing: each record is
 *
 *   length (uint32 LE, body bytes, >= 1) | ~length (uint32 LE) | crc32 (uint32 LE, of the body) | body
 *
 * appended one after another. The length is written twice (plain and
 * inverted) so that a damaged length inside the log is seen as damage, not
 * mistaken for a record running past the end, which would cut the valid
 * records after it. Reading back tells a torn tail (the write in
 * progress when the process died or the phone lost power: never
 * acknowledged, so safe to cut) from corruption inside the log (a bug or a
 * failing disk: a hard error, never silent loss of acknowledged data
 * [ACK-1] [LIFE-5]).
 *
 * A tail is torn when, from the first bad record on, the log holds no
 * complete, valid record: a header cut short, a length running past the
 * end, the last record failing its CRC, or zero bytes to the end (a file
 * system that extended the file before writing its data).
 */
import { crc32 } from "node:zlib";

export const FRAME_HEADER = 12;
/** Largest record body: a guard against reading a wild length as an allocation. */
export const MAX_RECORD = 64 * 1024 * 1024;

export class LogCorruptError extends Error {
  readonly offset: number;

  constructor(offset: number, detail: string) {
    super(`outbox log corrupt at byte ${offset}: ${detail}; refusing to open rather than lose acknowledged records [LIFE-5]`);
    this.name = "LogCorruptError";
    this.offset = offset;
  }
}

export function frameRecord(body: Uint8Array): Uint8Array {
  if (body.length === 0 || body.length > MAX_RECORD) throw new RangeError(`record body of ${body.length} bytes`);
  const out = new Uint8Array(FRAME_HEADER + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length, true);
  view.setUint32(4, ~body.length >>> 0, true);
  view.setUint32(8, crc32(body), true);
  out.set(body, FRAME_HEADER);
  return out;
}

export interface ScannedLog {
  /** Bodies of the valid records, in log order. */
  bodies: Uint8Array[];
  /** Where each record starts in the log. */
  offsets: number[];
  /** Bytes of the log that hold valid records; the rest is a torn tail. */
  validLength: number;
  tornBytes: number;
}

type Check = { ok: true; end: number } | { ok: false; why: string; torn: boolean };

function check(log: Uint8Array, at: number): Check {
  const left = log.length - at;
  if (left < FRAME_HEADER) return { ok: false, why: `${left} bytes, short of a record header`, torn: true };
  const view = new DataView(log.buffer, log.byteOffset + at, FRAME_HEADER);
  const length = view.getUint32(0, true);
  if (view.getUint32(4, true) !== ~length >>> 0) return { ok: false, why: "record length damaged", torn: false };
  if (length === 0 || length > MAX_RECORD) return { ok: false, why: `record length ${length}`, torn: false };
  const end = at + FRAME_HEADER + length;
  if (end > log.length) return { ok: false, why: `record of ${length} bytes runs past the end`, torn: true };
  if (crc32(log.subarray(at + FRAME_HEADER, end)) !== view.getUint32(8, true)) {
    // The last record, or a sound header over zeros to the end: a write cut short.
    return { ok: false, why: "CRC mismatch", torn: end === log.length || allZero(log.subarray(at + FRAME_HEADER)) };
  }
  return { ok: true, end };
}

const allZero = (b: Uint8Array): boolean => b.every((x) => x === 0);

/** Reads every record; a torn tail is reported, corruption before it throws LogCorruptError. */
export function scanLog(log: Uint8Array): ScannedLog {
  const bodies: Uint8Array[] = [];
  const offsets: number[] = [];
  let at = 0;
  while (at < log.length) {
    const c = check(log, at);
    if (c.ok) {
      bodies.push(log.subarray(at + FRAME_HEADER, c.end));
      offsets.push(at);
      at = c.end;
      continue;
    }
    if (c.torn || allZero(log.subarray(at))) return { bodies, offsets, validLength: at, tornBytes: log.length - at };
    throw new LogCorruptError(at, `${c.why}, with ${log.length - at} bytes after it`);
  }
  return { bodies, offsets, validLength: at, tornBytes: 0 };
}
