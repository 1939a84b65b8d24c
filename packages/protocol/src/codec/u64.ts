/** uint64 between the wire's Long and the core's bigint. */
import Long from "long";
import { MAX_U64 } from "../message.js";

export function toBigInt(v: Long | number | null | undefined): bigint {
  if (v === null || v === undefined) return 0n;
  if (typeof v === "number") return BigInt(v);
  return (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
}

export function toLong(v: bigint): Long {
  if (v < 0n || v > MAX_U64) throw new RangeError(`uint64 out of range: ${v}`);
  return Long.fromBits(Number(v & 0xffffffffn), Number(v >> 32n), true);
}
