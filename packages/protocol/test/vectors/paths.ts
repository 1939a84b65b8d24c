/** Where the spec's vector files and schemas live, from this test folder. */
import { fileURLToPath } from "node:url";

export const VECTOR_DIR = fileURLToPath(new URL("../../../../spec/vectors/", import.meta.url));
export const SCHEMA_DIR = fileURLToPath(new URL("../../../../spec/schemas/", import.meta.url));
export const PROTO_DIR = fileURLToPath(new URL("../../../../spec/proto/", import.meta.url));
export const ERRORS_JSON = fileURLToPath(new URL("../../../../spec/errors.json", import.meta.url));
