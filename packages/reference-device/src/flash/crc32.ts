/**
 * CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), the checksum that
 * tells a flash image written whole from one torn or corrupted [ID-2].
 * Table-driven, as firmware computes it; node:zlib's crc32 is not in every
 * Node 20.
 */
const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
