/** The app lifecycle of spec section 1.3: states and transitions as data, run windows with deadlines [LIFE-5] [LIFE-6] [LIFE-9]. */
export * from "./states.js";
export * from "./timers.js";
export * from "./budget.js";
export * from "./app-lifecycle.js";
