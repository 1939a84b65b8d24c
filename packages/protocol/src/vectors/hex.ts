/** Lowercase hex without separators: how vector files write bytes. */

const HEX = /^(?:[0-9a-f]{2})*$/;

export function toHex(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

/** Throws a TypeError unless `hex` is lowercase hex of whole bytes. */
export function fromHex(hex: string): Uint8Array {
  if (!HEX.test(hex)) throw new TypeError(`not lowercase hex of whole bytes: ${hex.slice(0, 40)}`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function isHex(value: unknown): value is string {
  return typeof value === "string" && HEX.test(value);
}
