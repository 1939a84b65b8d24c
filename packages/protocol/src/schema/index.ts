/**
 * JSON Schema validation of Ferry's JSON documents: the proto3 JSON forms of
 * messages, envelopes, batches and acks [HTTP-2], DeviceInfo, capability
 * statements, conformance reports and the machine-readable spec files.
 *
 * Every function returns `{ ok: true }` or `{ ok: false, errors }` with one
 * readable line per problem ("/events/firstSeq: must be a uint64 ..."). A
 * valid document has the schema's shape and passes the cross-field rules the
 * schema's description names; field rules that need session context (or
 * that the binary decoder also checks, such as range order) are the codec's.
 */
import { formatErrors } from "./format.js";
import { validator } from "./load.js";
import type { SchemaName, Unknown } from "./load.js";
import { RULES } from "./rules.js";

export { SCHEMA_NAMES, SCHEMA_DIR, schemaId } from "./load.js";
export type { SchemaName, Unknown } from "./load.js";

export type ValidationResult = { ok: true } | { ok: false; errors: string[] };

export interface ValidateOptions {
  /**
   * "refuse" (the default) refuses properties the schema does not declare:
   * the check of what a 1.0 writer produces [HTTP-7]. "strip" first deletes
   * them from `value`, in place, then validates what is left: what a receiver
   * does, since it ignores fields it does not know [VER-4]. A Message whose
   * only body was unknown is left empty and refused as having no body; the
   * caller tells that case (an unknown body [VER-6]) by the empty object.
   */
  unknown?: Unknown;
}

/** Validates `value` against spec/schemas/<name>.schema.json and its cross-field rules. */
export function validate(name: SchemaName, value: unknown, options: ValidateOptions = {}): ValidationResult {
  const unknown = options.unknown ?? "refuse";
  if (unknown === "strip") validator(name, "strip")(value); // strips; the verdict comes below
  const check = validator(name);
  if (!check(value)) return { ok: false, errors: formatErrors(check.errors ?? []) };
  const errors = RULES[name]?.(value as never) ?? [];
  return errors.length === 0 ? { ok: true } : { ok: false, errors };
}

type Validate = (value: unknown, options?: ValidateOptions) => ValidationResult;
const validating = (name: SchemaName): Validate => (value, options) => validate(name, value, options);

/** A ferry.v1.Message in proto3 JSON form. */
export const validateMessageJson: Validate = validating("message");
/** A ferry.v1.Batch in proto3 JSON form: the HTTP batch body [HTTP-2]. */
export const validateBatchJson: Validate = validating("batch");
/** A ferry.v1.Ack in proto3 JSON form: the HTTP batch answer [HTTP-5]. */
export const validateAckJson: Validate = validating("ack");
/** A ferry.v1.EventRun (the envelope) in proto3 JSON form [ENV-1]. */
export const validateEnvelopeJson: Validate = validating("envelope");
/** A capability statement (ICS) [CONF-1]. */
export const validateIcs: Validate = validating("ics");
/** A conformance report [CONF-12]. */
export const validateReport: Validate = validating("report");
/** The GATT table, spec/gatt.json [GATT-1]. */
export const validateGattTable: Validate = validating("gatt");
