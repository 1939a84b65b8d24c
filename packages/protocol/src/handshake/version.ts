/**
 * Version negotiation [VER-2] [VER-3] and feature intersection [VER-7].
 * Pure functions over the numbers the Hello, Welcome and DeviceInfo carry.
 */
import { VERSION } from "../generated/spec.js";

/** The majors this implementation speaks, preferred first (spec/version.json). */
export const SPOKEN_MAJORS: readonly number[] = [VERSION.major];
/** This implementation's minor version of its major. */
export const SPOKEN_MINOR: number = VERSION.minor;

/**
 * [VER-2] The answerer picks the first of the offered majors (the offerer's
 * preference order) that it speaks; undefined means VERSION_UNSUPPORTED.
 */
export function chooseMajor(offered: readonly number[], spoken: readonly number[]): number | undefined {
  return offered.find((m) => spoken.includes(m));
}

/**
 * [VER-3] A Hello or DeviceInfo carries one minor: the sender's minor of its
 * preferred (first) major. For any other major chosen we assume minor 0, the
 * reading that credits the peer with nothing beyond the major's base.
 */
export function minorFor(majors: readonly number[], minor: number, chosen: number): number {
  return majors[0] === chosen ? minor : 0;
}

/** [VER-7] Features in effect for a session: the bits both peers set (as uint32). */
export function commonFeatures(a: number, b: number): number {
  return (a & b) >>> 0;
}

/** [VER-7] True when every bit of `features` is one of `offered`. */
export function isFeatureSubset(features: number, offered: number): boolean {
  return (features & ~offered) >>> 0 === 0;
}
