/** A capability statement [CONF-1], as spec/schemas/ics.schema.json shapes it. */
import type { BindingName, FeatureName, Role } from "../runner/case.js";

export interface IcsStream {
  stream: number;
  priority: "bulk" | "realtime" | "critical";
  ttlMs?: number;
  name?: string;
}

/** Values a run needs to reach the implementation (IXIT-like); command line options override them. */
export interface IcsSetup {
  credential?: string;
  deviceId?: string;
  url?: string;
  httpUrl?: string;
  command?: string;
}

export interface Ics {
  $schema?: string;
  protocol: string;
  implementation: { name: string; vendor: string; version: string };
  roles: Role[];
  features: FeatureName[];
  bindings: BindingName[];
  limits: {
    bufferCapacity?: number;
    maxMessage: number;
    wakeBudgetMs?: number;
    window: { events: number; bytes: number };
    maxStreams?: number;
  };
  streams?: IcsStream[];
  overflowPolicy?: "drop-lowest-oldest";
  setup?: IcsSetup;
}
