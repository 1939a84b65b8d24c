/**
 * The overflow policy of Ferry 1.0, drop-lowest-oldest [PRIO-10], as a pure
 * choice, so the buffer that applies it and the model that checks it agree
 * on one definition.
 *
 * A full buffer has already discarded its expired events (accounted
 * EXPIRED). For a new event of class C it then drops the oldest buffered
 * event of the lowest class present whose class is <= C; if every buffered
 * event has a class above C, the new event itself is dropped. So critical
 * events go only when nothing but critical events is buffered, oldest first.
 */
import type { Priority } from "../message.js";

/** Classes in the order they are dropped (and the reverse of the send order) [PRIO-1]. */
export const CLASS_RANK: Readonly<Record<Priority, number>> = { bulk: 0, realtime: 1, critical: 2 };

export interface OverflowCandidate {
  priority: Priority;
  /** Smaller is older. */
  arrival: number;
}

/**
 * The buffered event to drop to make room for a new one of class `incoming`,
 * or undefined when the new event itself is to be dropped. `buffered` may be
 * every buffered event, or only the oldest of each stream (the same answer,
 * since within a stream older events come first).
 */
export function overflowVictim<T extends OverflowCandidate>(buffered: Iterable<T>, incoming: Priority): T | undefined {
  let victim: T | undefined;
  for (const c of buffered) {
    if (CLASS_RANK[c.priority] > CLASS_RANK[incoming]) continue;
    if (
      victim === undefined ||
      CLASS_RANK[c.priority] < CLASS_RANK[victim.priority] ||
      (c.priority === victim.priority && c.arrival < victim.arrival)
    ) {
      victim = c;
    }
  }
  return victim;
}
