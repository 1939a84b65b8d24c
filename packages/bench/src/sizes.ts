/**
 * How big each benchmark is. The full sizes are the (every timed
 * figure at least 5 runs: here 7, or 9 for the noisier codec loops, after
 * a warm-up) and keep `pnpm bench` near 2 minutes on a 2-core machine, well
 * within the 10 the issue allows; the quick sizes are tiny, for the smoke
 * test that keeps the benchmarks from rotting.
 */
export interface Sizes {
  codec: { runs: number; runMs: number };
  ble: { sensorSeconds: number; audioSeconds: number; backlogEvents: number };
  drain: { sizes: number[]; runs: number; warmup: number };
  ingest: { clients: number[]; events: number; runs: number; warmup: number };
  conformance: { runs: number; warmup: number };
}

export const FULL_SIZES: Sizes = {
  codec: { runs: 9, runMs: 120 },
  ble: { sensorSeconds: 600, audioSeconds: 60, backlogEvents: 1000 },
  drain: { sizes: [100, 3600, 36_000], runs: 7, warmup: 1 },
  ingest: { clients: [1, 10, 100], events: 50_000, runs: 7, warmup: 1 },
  conformance: { runs: 7, warmup: 1 },
};

export const QUICK_SIZES: Sizes = {
  codec: { runs: 5, runMs: 2 },
  ble: { sensorSeconds: 10, audioSeconds: 2, backlogEvents: 50 },
  drain: { sizes: [10, 50], runs: 5, warmup: 0 },
  ingest: { clients: [1, 3], events: 60, runs: 5, warmup: 0 },
  conformance: { runs: 5, warmup: 0 },
};
