/**
 * The entry lists of the three discovery responses (10.3):
 *
 * | response             | header byte                   | entry                                              |
 * |----------------------|-------------------------------|----------------------------------------------------|
 * | Read By Group Type   | entry length: 20 (6)          | handle, end group handle, service UUID             |
 * | Read By Type         | entry length: 21 (7)          | declaration handle, properties, value handle, UUID |
 * | Find Information     | format: 0x01 16-bit, 0x02 128 | handle, UUID                                       |
 *
 * The chapter's table gives the sizes the Ferry service needs (128-bit UUIDs
 * in the first two, 16-bit in the third); the other UUID size is the Core
 * Specification's, accepted too because a peripheral "may expose other
 * services" that the central must read past. One response holds entries of
 * one size; at least one entry; the entries fill the PDU exactly.
 */
import { MalformedBytes, type ByteReader, type ByteWriter } from "./bytes.js";
import { localVglError } from "./errors.js";
import type { AttPduOf, CharacteristicEntry, DescriptorEntry, ServiceEntry } from "./att-pdu.js";
import { readUuid, uuidSize, writeUuid } from "./uuid.js";

type ListType = "readByGroupTypeResponse" | "readByTypeResponse" | "findInformationResponse";
type EntryOf<T extends ListType> = AttPduOf<T>["entries"][number];

interface ListLayout<E> {
  /** The header byte for entries with UUIDs of this size. */
  header(size: 2 | 16): number;
  /** The UUID size a header byte announces, or undefined when it announces none. */
  uuidSizeOf(header: number): 2 | 16 | undefined;
  /** Bytes of an entry besides its UUID. */
  fixed: number;
  write(e: E, w: ByteWriter): void;
  read(r: ByteReader, size: 2 | 16): E;
}

const byLength = (fixed: number) => (header: number) =>
  header === fixed + 2 ? 2 : header === fixed + 16 ? 16 : undefined;

const LAYOUTS: { [T in ListType]: ListLayout<EntryOf<T>> } = {
  readByGroupTypeResponse: {
    fixed: 4,
    header: (size) => 4 + size,
    uuidSizeOf: byLength(4),
    write: (e: ServiceEntry, w) => writeUuid(w.u16(e.handle, "handle").u16(e.endGroupHandle, "end group handle"), e.uuid),
    read: (r, size) => ({ handle: r.u16("handle"), endGroupHandle: r.u16("end group handle"), uuid: readUuid(r, size, "service UUID") }),
  },
  readByTypeResponse: {
    fixed: 5,
    header: (size) => 5 + size,
    uuidSizeOf: byLength(5),
    write: (e: CharacteristicEntry, w) =>
      writeUuid(w.u16(e.declarationHandle, "declaration handle").u8(e.properties, "properties").u16(e.valueHandle, "value handle"), e.uuid),
    read: (r, size) => ({
      declarationHandle: r.u16("declaration handle"),
      properties: r.u8("properties"),
      valueHandle: r.u16("value handle"),
      uuid: readUuid(r, size, "characteristic UUID"),
    }),
  },
  findInformationResponse: {
    fixed: 2,
    header: (size) => (size === 2 ? 0x01 : 0x02),
    uuidSizeOf: (format) => (format === 0x01 ? 2 : format === 0x02 ? 16 : undefined),
    write: (e: DescriptorEntry, w) => writeUuid(w.u16(e.handle, "handle"), e.uuid),
    read: (r, size) => ({ handle: r.u16("handle"), uuid: readUuid(r, size, "descriptor UUID") }),
  },
};

export function writeEntries<T extends ListType>(type: T, entries: readonly EntryOf<T>[], w: ByteWriter): void {
  const layout = LAYOUTS[type] as ListLayout<EntryOf<T>>;
  const first = entries[0];
  if (first === undefined) throw localVglError("FIELD_INVALID", `${type} needs at least one entry`);
  const size = uuidSize(first.uuid);
  if (entries.some((e) => uuidSize(e.uuid) !== size)) {
    throw localVglError("FIELD_INVALID", `${type} entries must share one UUID size; send 16-bit and 128-bit UUIDs in separate responses`);
  }
  w.u8(layout.header(size), "header");
  for (const e of entries) layout.write(e, w);
}

export function readEntries<T extends ListType>(type: T, r: ByteReader): EntryOf<T>[] {
  const layout = LAYOUTS[type] as ListLayout<EntryOf<T>>;
  const header = r.u8(type === "findInformationResponse" ? "format" : "entry length");
  const size = layout.uuidSizeOf(header);
  if (size === undefined) {
    const expected = type === "findInformationResponse" ? "0x01 or 0x02" : `${layout.header(16)} or ${layout.header(2)}`;
    throw new MalformedBytes(`${type === "findInformationResponse" ? "format" : "entry length"} ${header} is not ${expected}`);
  }
  const entryLength = layout.fixed + size;
  if (r.remaining === 0 || r.remaining % entryLength !== 0) {
    throw new MalformedBytes(`${r.remaining} bytes of entries is not a positive multiple of the entry length ${entryLength}`);
  }
  const entries: EntryOf<T>[] = [];
  while (r.remaining > 0) entries.push(layout.read(r, size));
  return entries;
}
