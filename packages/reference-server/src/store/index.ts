/** The server's durable store: the interface, the SQLite engine and group commit. */
export type { Delivery, IngestOutcome, IngestRequest, Store, StoredCommand, StreamGap } from "./store.js";
export { SqliteStore } from "./sqlite-store.js";
export type { OpenOptions } from "./open-database.js";
export { GroupCommitter, type Schedule } from "./group-commit.js";
export { checkIngestRequest } from "./ingest-request.js";
export { MAX_SEQ } from "./seq.js";
export { SCHEMA_VERSION } from "./schema.js";
