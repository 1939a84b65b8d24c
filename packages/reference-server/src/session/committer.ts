/**
 * What a session hands its events to: a group committer that batches the
 * requests of many connections into one store transaction and resolves each
 * request once that transaction is durable [ACK-2]. The store helper's
 * GroupCommitter implements it; `directCommitter` is the degenerate one (a
 * transaction per request), for tests and small embeddings.
 */
import type { IngestOutcome, IngestRequest, Store } from "../store/store.js";

export interface Committer {
  /** Resolves after the commit that stored the request; rejects if it failed (nothing acknowledged). */
  submit(request: IngestRequest): Promise<IngestOutcome>;
}

export function directCommitter(store: Store): Committer {
  return {
    async submit(request) {
      const [outcome] = await store.ingest([request]);
      if (!outcome) throw new Error("store returned no outcome for the request");
      return outcome;
    },
  };
}
