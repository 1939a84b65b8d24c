/** The deterministic simulator: seeded PRNG, virtual clock, faulty links, step/drive. */
export * from "./prng.js";
export * from "./clock.js";
export * from "./link.js";
export * from "./connection.js";
export * from "./simulation.js";
