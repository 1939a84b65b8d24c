/**
 * Property tests are deterministic: one seed for the whole run, taken from
 * FERRY_SEED when set (to replay a CI failure) and printed either way.
 * fast-check prints the seed and path of any failing property, which
 * `fc.assert(..., { seed, path })` replays exactly.
 */
import fc from "fast-check";

const seed = Number(process.env.FERRY_SEED ?? 20261122);
fc.configureGlobal({ seed, numRuns: Number(process.env.FERRY_RUNS ?? 100) });
if (process.env.FERRY_SEED) console.log(`fast-check seed ${seed} (from FERRY_SEED)`);
