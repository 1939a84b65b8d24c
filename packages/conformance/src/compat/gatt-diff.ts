/**
 * The GATT table (spec/gatt.json), baseline against working tree. What a
 * device or an app in the field relies on: the service and characteristic
 * UUIDs, the properties (read, write, notify, ...), the permissions, the
 * largest value, the framing and the fragmentation constants ([GATT-1],
 * [FRAG-1]). Characteristics are matched by name, then by UUID, since names
 * are not on the air.
 */
import { finding, GATT_PEERS, type Finding, type Severity } from "./finding.js";
import { lineOf, type JsonLines } from "./json-lines.js";
import { isRecord, type JsonFile } from "./spec-files.js";

const FILE = "gatt.json";
type Json = Record<string, unknown>;

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
const records = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isRecord) : []);

export function diffGatt(before: JsonFile | undefined, after: JsonFile | undefined): Finding[] {
  if (!before && !after) return [];
  const out: Finding[] = [];
  const lines: JsonLines | undefined = after?.lines;
  const add = (pointer: string, location: string, rule: string, severity: Severity, message: string) =>
    out.push(finding({ file: FILE, line: lineOf(lines, pointer), location, rule, severity, message, breaks: GATT_PEERS }));
  if (!after) return [finding({ file: FILE, location: "/", rule: "GATT_TABLE_REMOVED", severity: "breaking", message: "gatt.json was removed", breaks: GATT_PEERS })];
  if (!before) return [finding({ file: FILE, line: 1, location: "/", rule: "GATT_TABLE_ADDED", severity: "additive", message: "gatt.json was added" })];
  const b = isRecord(before.value) ? before.value : {};
  const a = isRecord(after.value) ? after.value : {};

  const bs = isRecord(b.service) ? b.service : {};
  const as = isRecord(a.service) ? a.service : {};
  if (bs.uuid !== as.uuid) add("/service/uuid", "service.uuid", "GATT_SERVICE_UUID_CHANGED", "breaking", `the service UUID changed from ${String(bs.uuid)} to ${String(as.uuid)}: apps no longer find devices of the other version`);
  if (bs.primary !== as.primary) add("/service/primary", "service.primary", "GATT_SERVICE_PRIMARY_CHANGED", "breaking", `the service's primary flag changed from ${String(bs.primary)} to ${String(as.primary)}`);

  const ac = records(a.characteristics);
  const matched = new Set<Json>();
  for (const bc of records(b.characteristics)) {
    const match = ac.find((c) => c.name === bc.name) ?? ac.find((c) => c.uuid === bc.uuid && !records(b.characteristics).some((x) => x.name === c.name));
    const name = String(bc.name);
    if (!match) {
      add("/characteristics", `characteristics.${name}`, "GATT_CHARACTERISTIC_REMOVED", "breaking", `characteristic ${name} (${String(bc.uuid)}) was removed`);
      continue;
    }
    matched.add(match);
    const at = `/characteristics/${ac.indexOf(match)}`;
    const loc = `characteristics.${String(match.name)}`;
    if (match.name !== bc.name) add(`${at}/name`, loc, "GATT_CHARACTERISTIC_RENAMED", "info", `characteristic ${name} is now called ${String(match.name)} (same UUID; names are not on the air)`);
    if (match.uuid !== bc.uuid) add(`${at}/uuid`, `${loc}.uuid`, "GATT_CHARACTERISTIC_UUID_CHANGED", "breaking", `characteristic ${name} changed UUID from ${String(bc.uuid)} to ${String(match.uuid)}`);
    diffSet(strings(bc.properties), strings(match.properties), (p) => add(`${at}/properties`, `${loc}.properties`, "GATT_PROPERTY_REMOVED", "breaking", `characteristic ${name} lost property ${p}`), (p) => add(`${at}/properties`, `${loc}.properties`, "GATT_PROPERTY_ADDED", "additive", `characteristic ${name} gained property ${p}`));
    diffSet(strings(bc.permissions), strings(match.permissions), (p) => add(`${at}/permissions`, `${loc}.permissions`, "GATT_PERMISSION_RELAXED", "additive", `characteristic ${name} no longer requires ${p}`), (p) => add(`${at}/permissions`, `${loc}.permissions`, "GATT_PERMISSION_TIGHTENED", "breaking", `characteristic ${name} now requires ${p}: peers of the baseline are refused access`));
    if (typeof bc.maxLength === "number" && typeof match.maxLength === "number" && bc.maxLength !== match.maxLength) {
      if (match.maxLength < bc.maxLength) add(`${at}/maxLength`, `${loc}.maxLength`, "GATT_MAX_LENGTH_SHRUNK", "breaking", `characteristic ${name} maxLength shrank from ${bc.maxLength} to ${match.maxLength}: values the baseline allowed are refused`);
      else add(`${at}/maxLength`, `${loc}.maxLength`, "GATT_MAX_LENGTH_GROWN", "additive", `characteristic ${name} maxLength grew from ${bc.maxLength} to ${match.maxLength}`);
    }
    if (bc.framing !== match.framing) add(`${at}/framing`, `${loc}.framing`, "GATT_FRAMING_CHANGED", "breaking", `characteristic ${name} framing changed from ${String(bc.framing)} to ${String(match.framing)}`);
    diffSet(strings(bc.carries), strings(match.carries), (m) => add(`${at}/carries`, `${loc}.carries`, "GATT_CARRIES_REMOVED", "breaking", `characteristic ${name} no longer carries ${m}`), (m) => add(`${at}/carries`, `${loc}.carries`, "GATT_CARRIES_ADDED", "additive", `characteristic ${name} now also carries ${m}`));
  }
  ac.forEach((c, i) => {
    if (!matched.has(c)) add(`/characteristics/${i}`, `characteristics.${String(c.name)}`, "GATT_CHARACTERISTIC_ADDED", "additive", `characteristic ${String(c.name)} (${String(c.uuid)}) was added`);
  });

  for (const [section, rule] of [["att", "GATT_ATT_CHANGED"], ["fragmentation", "GATT_FRAGMENTATION_CHANGED"]] as const) {
    const bv = isRecord(b[section]) ? b[section] : {};
    const av = isRecord(a[section]) ? a[section] : {};
    for (const key of new Set([...Object.keys(bv), ...Object.keys(av)])) {
      if (bv[key] !== av[key]) add(`/${section}/${key}`, `${section}.${key}`, rule, "breaking", `${section}.${key} changed from ${String(bv[key])} to ${String(av[key])}: both ends of the GATT leg must agree on it`);
    }
  }
  return out;
}

function diffSet(before: string[], after: string[], removed: (v: string) => void, added: (v: string) => void): void {
  for (const v of before) if (!after.includes(v)) removed(v);
  for (const v of after) if (!before.includes(v)) added(v);
}
