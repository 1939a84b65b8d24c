/**
 * The reference device's sensors: what it puts in each stream's payloads.
 * Samples are 16 bytes (a counter and a reading), audio chunks 160 bytes
 * (20 ms at 64 kbit/s, 9.6.4), alarms a short text.
 */
export const STREAM = { alarm: 1, audio: 2, samples: 3 } as const;

export class Sensors {
  #samples = 0n;
  #audio = 0;
  #alarms = 0;

  sample(now: number): Uint8Array {
    const out = new Uint8Array(16);
    const view = new DataView(out.buffer);
    view.setBigUint64(0, this.#samples++);
    view.setFloat64(8, 20 + 5 * Math.sin(now / 60_000));
    return out;
  }

  audioChunk(): Uint8Array {
    const out = new Uint8Array(160);
    for (let i = 0; i < out.length; i++) out[i] = (128 + 100 * Math.sin((2 * Math.PI * (this.#audio * 160 + i)) / 32)) & 0xff;
    this.#audio++;
    return out;
  }

  alarm(): Uint8Array {
    return new TextEncoder().encode(`smoke ${this.#alarms++}`);
  }
}
