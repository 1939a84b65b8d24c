/**
 * The messages, fields, enums and enum values of a buf image (JSON form of
 * the FileDescriptorSet), indexed by full name and number, with the file and
 * line of each, for Ferry's own proto checks.
 */
import { readFileSync } from "node:fs";

interface Range {
  start?: number;
  end?: number;
}
interface EnumDesc {
  name: string;
  value?: { name: string; number?: number }[];
  reservedRange?: Range[];
}
interface MessageDesc {
  name: string;
  field?: { name: string; number?: number }[];
  nestedType?: MessageDesc[];
  enumType?: EnumDesc[];
  reservedRange?: Range[];
}
interface FileDesc {
  name: string;
  package?: string;
  messageType?: MessageDesc[];
  enumType?: EnumDesc[];
  sourceCodeInfo?: { location?: { path?: number[]; span?: number[] }[] };
  bufExtension?: { isImport?: boolean };
}

export interface Member {
  name: string;
  line?: number;
}

export interface TypeIndex {
  kind: "message" | "enum";
  fullName: string;
  file: string;
  line?: number;
  /** Fields or enum values, by number. */
  members: Map<number, Member>;
  /** Reserved numbers, as inclusive [first, last] ranges. */
  reserved: [number, number][];
}

export type ProtoIndex = Map<string, TypeIndex>;

export function readImage(path: string): ProtoIndex {
  const image = JSON.parse(readFileSync(path, "utf8")) as { file?: FileDesc[] };
  const index: ProtoIndex = new Map();
  for (const file of image.file ?? []) {
    if (file.bufExtension?.isImport) continue;
    const lines = new Map<string, number>();
    for (const loc of file.sourceCodeInfo?.location ?? []) {
      if (loc.path && loc.span?.[0] !== undefined) lines.set(loc.path.join("."), loc.span[0] + 1);
    }
    const line = (path: number[]) => lines.get(path.join("."));
    // Descriptor field numbers: file.message_type 4, file.enum_type 5,
    // message.field 2, message.nested_type 3, message.enum_type 4, enum.value 2.
    const addEnum = (e: EnumDesc, prefix: string, path: number[]) => {
      const values = new Map<number, Member>();
      (e.value ?? []).forEach((v, i) => values.set(v.number ?? 0, { name: v.name, line: line([...path, 2, i]) }));
      // Enum reserved ranges are inclusive.
      const reserved = (e.reservedRange ?? []).map((r): [number, number] => [r.start ?? 0, r.end ?? 0]);
      index.set(`${prefix}.${e.name}`, { kind: "enum", fullName: `${prefix}.${e.name}`, file: file.name, line: line(path), members: values, reserved });
    };
    const addMessage = (m: MessageDesc, prefix: string, path: number[]) => {
      const fullName = `${prefix}.${m.name}`;
      const fields = new Map<number, Member>();
      (m.field ?? []).forEach((f, i) => fields.set(f.number ?? 0, { name: f.name, line: line([...path, 2, i]) }));
      // Message reserved ranges are end-exclusive.
      const reserved = (m.reservedRange ?? []).map((r): [number, number] => [r.start ?? 0, (r.end ?? 1) - 1]);
      index.set(fullName, { kind: "message", fullName, file: file.name, line: line(path), members: fields, reserved });
      (m.nestedType ?? []).forEach((n, i) => addMessage(n, fullName, [...path, 3, i]));
      (m.enumType ?? []).forEach((e, i) => addEnum(e, fullName, [...path, 4, i]));
    };
    const pkg = file.package ?? "";
    (file.messageType ?? []).forEach((m, i) => addMessage(m, pkg, [4, i]));
    (file.enumType ?? []).forEach((e, i) => addEnum(e, pkg, [5, i]));
  }
  return index;
}

export const isReserved = (t: TypeIndex, n: number) => t.reserved.some(([first, last]) => n >= first && n <= last);
