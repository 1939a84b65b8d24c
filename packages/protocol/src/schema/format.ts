/**
 * ajv errors as short readable lines: "<instance path>: <what is wrong>".
 *
 * The schemas give each primitive (uint64, base64 bytes, signature, ...) a
 * `title` that is a noun phrase starting with "a" or "an" ("a uint64 as a
 * decimal string ..."), so a failed pattern reads "must be a uint64 ..."
 * instead of printing the regular expression.
 */
import type { ErrorObject } from "ajv/dist/2020.js";

type Schema = { title?: unknown; properties?: Record<string, unknown>; required?: unknown; minProperties?: number; maxProperties?: number };

const nounTitle = (s: unknown): string | undefined => {
  const t = (s as Schema | undefined)?.title;
  return typeof t === "string" && /^an? /.test(t) ? t : undefined;
};

const show = (v: unknown): string => JSON.stringify(v);

function describe(e: ErrorObject): string | undefined {
  const parent = e.parentSchema as Schema | undefined;
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "if":
      return undefined; // the failing `then`/`else` keyword says why
    case "additionalProperties":
      return `unknown property ${show(p.additionalProperty)}`;
    case "required":
      return `missing required property ${show(p.missingProperty)}`;
    case "enum":
      return `must be one of ${(p.allowedValues as unknown[]).map(show).join(", ")}`;
    case "const":
      return `must be ${show(p.allowedValue)}`;
    case "anyOf": {
      // Alternatives that each require one property: "must have url or cmd".
      const branches = e.schema as Schema[];
      const names = branches.map((b) => (Array.isArray(b.required) && b.required.length === 1 ? b.required[0] : undefined));
      return names.every((n) => typeof n === "string") ? `must have ${names.map(show).join(" or ")}` : e.message;
    }
    case "propertyNames":
      return undefined; // the failing keyword under it names the property
    case "contains": {
      const wanted = (e.schema as { const?: unknown }).const;
      return wanted === undefined ? e.message : `must contain ${show(wanted)}`;
    }
    case "not": {
      const req = (e.schema as Schema).required;
      return Array.isArray(req) ? `must not have ${req.map(show).join(", ")}` : e.message;
    }
    case "minProperties":
    case "maxProperties":
      // A oneof: exactly one of the declared properties (Message.body).
      if (parent?.minProperties === 1 && parent.maxProperties === 1 && parent.properties)
        return `must have exactly one of ${Object.keys(parent.properties).join(", ")}`;
      return e.message;
    case "pattern":
    case "type":
    case "minimum":
    case "maximum": {
      const title = nounTitle(parent);
      return title ? `must be ${title}` : e.message;
    }
    default:
      return e.message;
  }
}

/** Readable, de-duplicated messages for a failed validation. */
export function formatErrors(errors: readonly ErrorObject[]): string[] {
  const lines = errors.flatMap((e) => {
    // Items that failed a `contains` are not errors themselves: the
    // `contains` error says what was missing.
    if (e.schemaPath.includes("/contains/")) return [];
    // The anyOf error sums up alternatives that each require one property.
    if (/\/anyOf\/\d+\/required$/.test(e.schemaPath)) return [];
    const what = describe(e);
    if (what === undefined) return [];
    const name = e.propertyName === undefined ? "" : `property name ${show(e.propertyName)} `;
    return [`${e.instancePath || "(root)"}: ${name}${what}`];
  });
  return [...new Set(lines)];
}
