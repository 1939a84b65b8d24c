/**
 * The feature bits the reference server offers in its Welcome [VER-7]; the
 * Welcome carries those the Hello sets too. FEATURE_SIGNED_EVENTS says the
 * server verifies device signatures, so it is offered only when device keys
 * are registered [SEC-9] [SEC-11] [SEC-14].
 */
import { Feature } from "@ferry/protocol";
import type { KeyRegistry } from "./signature-check.js";

/** Always offered: commands [CMD-1] and the HTTP batch binding [HTTP-1]. */
export const SERVER_FEATURES = Feature.commands | Feature.httpBatch;

export function serverFeatures(deviceKeys: KeyRegistry | undefined): number {
  return SERVER_FEATURES | (deviceKeys !== undefined && deviceKeys.size > 0 ? Feature.signedEvents : 0);
}
