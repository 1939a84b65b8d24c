/**
 * Virtual time and the timer queue of the simulator. Time is a number of
 * milliseconds that only moves when the simulation says so; tasks due at
 * the same instant run in the order they were scheduled, so a run is a
 * function of its seed and inputs alone.
 */
export class VirtualClock {
  #now: number;

  constructor(start = 0) {
    this.#now = start;
  }

  get now(): number {
    return this.#now;
  }

  advanceTo(t: number): void {
    if (t < this.#now) throw new RangeError(`time runs forward: ${t} < ${this.#now}`);
    this.#now = t;
  }
}

export interface Task {
  readonly at: number;
  readonly seq: number;
  readonly label: string;
  readonly run: () => void;
  cancelled: boolean;
}

/** A min-heap of tasks ordered by (at, seq). */
export class Scheduler {
  readonly clock: VirtualClock;
  #heap: Task[] = [];
  #seq = 0;

  constructor(clock: VirtualClock) {
    this.clock = clock;
  }

  /** Runs `run` at time `at` (not before now). */
  at(at: number, run: () => void, label = ""): Task {
    const task: Task = { at: Math.max(at, this.clock.now), seq: this.#seq++, label, run, cancelled: false };
    this.#heap.push(task);
    this.#up(this.#heap.length - 1);
    return task;
  }

  after(delay: number, run: () => void, label = ""): Task {
    return this.at(this.clock.now + delay, run, label);
  }

  cancel(task: Task): void {
    task.cancelled = true;
  }

  /** When the next live task is due; undefined when none is scheduled. */
  get nextAt(): number | undefined {
    this.#dropCancelled();
    return this.#heap[0]?.at;
  }

  get pending(): number {
    return this.#heap.filter((t) => !t.cancelled).length;
  }

  /** Runs every task due by now, including ones scheduled for now while running; returns them. */
  runDue(): Task[] {
    const ran: Task[] = [];
    for (let next = this.nextAt; next !== undefined && next <= this.clock.now; next = this.nextAt) {
      const task = this.#pop();
      ran.push(task);
      task.run();
    }
    return ran;
  }

  #dropCancelled(): void {
    while (this.#heap[0]?.cancelled) this.#pop();
  }

  #less(i: number, j: number): boolean {
    const a = this.#heap[i]!;
    const b = this.#heap[j]!;
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  #swap(i: number, j: number): void {
    [this.#heap[i], this.#heap[j]] = [this.#heap[j]!, this.#heap[i]!];
  }

  #up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(i, parent)) break;
      this.#swap(i, parent);
      i = parent;
    }
  }

  #pop(): Task {
    const top = this.#heap[0]!;
    const last = this.#heap.pop()!;
    if (this.#heap.length > 0) {
      this.#heap[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.#heap.length && this.#less(l, m)) m = l;
        if (r < this.#heap.length && this.#less(r, m)) m = r;
        if (m === i) break;
        this.#swap(i, m);
        i = m;
      }
    }
    return top;
  }
}
