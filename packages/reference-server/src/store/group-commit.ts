/**
 * Group commit: requests that arrive together share one ingest transaction,
 * so durability (one fsync per commit) is paid once per group, not once per
 * request or event [ACK-2].
 *
 * A group is everything submitted in the same macrotask, plus everything
 * submitted while the previous group's commit was running; the next group
 * starts as soon as that commit ends. Each request's promise resolves with
 * its own outcome once the group is durable; if the transaction fails, every
 * request of the group is rejected (nothing of the group was stored) and the
 * senders keep custody. A request the store would refuse on its own
 * (checkIngestRequest) is rejected at submit and never joins a group, so it
 * cannot fail the others.
 *
 * The scheduler is injected (default setImmediate) so tests can drive it.
 */
import { checkIngestRequest } from "./ingest-request.js";
import type { IngestOutcome, IngestRequest, Store } from "./store.js";

interface Waiting {
  request: IngestRequest;
  resolve: (o: IngestOutcome) => void;
  reject: (e: unknown) => void;
}

export type Schedule = (run: () => void) => void;

export class GroupCommitter {
  readonly #store: Pick<Store, "ingest">;
  readonly #schedule: Schedule;
  #queue: Waiting[] = [];
  #scheduled = false;
  #committing: Promise<void> | undefined;

  constructor(store: Pick<Store, "ingest">, schedule: Schedule = (run) => void setImmediate(run)) {
    this.#store = store;
    this.#schedule = schedule;
  }

  /** Requests waiting for the next commit. */
  get queued(): number {
    return this.#queue.length;
  }

  submit(request: IngestRequest): Promise<IngestOutcome> {
    try {
      checkIngestRequest(request);
    } catch (e) {
      return Promise.reject(e);
    }
    return new Promise<IngestOutcome>((resolve, reject) => {
      this.#queue.push({ request, resolve, reject });
      // While a commit runs, its end starts the next group.
      if (this.#committing === undefined && !this.#scheduled) {
        this.#scheduled = true;
        this.#schedule(() => {
          this.#scheduled = false;
          this.#commitNext();
        });
      }
    });
  }

  /** Resolves once nothing is queued or committing (for an orderly shutdown). */
  async drain(): Promise<void> {
    while (this.#committing !== undefined || this.#queue.length > 0) {
      if (this.#committing === undefined) this.#commitNext();
      await this.#committing;
    }
  }

  #commitNext(): void {
    if (this.#committing !== undefined || this.#queue.length === 0) return;
    const group = this.#queue;
    this.#queue = [];
    this.#committing = this.#commit(group).finally(() => {
      this.#committing = undefined;
      this.#commitNext();
    });
  }

  async #commit(group: Waiting[]): Promise<void> {
    let outcomes: IngestOutcome[];
    try {
      outcomes = await this.#store.ingest(group.map((w) => w.request));
      if (outcomes.length !== group.length) throw new Error(`store answered ${outcomes.length} of ${group.length} requests`);
    } catch (e) {
      for (const w of group) w.reject(e);
      return;
    }
    group.forEach((w, i) => w.resolve(outcomes[i]!));
  }
}
