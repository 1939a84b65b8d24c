/**
 * The device's persistent storage, as firmware sees a flash partition: one
 * image, read at boot and replaced whole. `write` is atomic and durable
 * when it returns: after a power loss `read` gives either the previous
 * image or the new one, never a mix [LIFE-2] [LIFE-3]. What the image means
 * (and whether it can be trusted) is image.ts's business.
 */
export interface Flash {
  /** The image last written, or undefined when the flash is blank. */
  read(): Uint8Array | undefined;
  /** Replaces the image; durable when it returns. */
  write(image: Uint8Array): void;
}

/**
 * Flash in memory, for in-process simulation: a Device built again on the
 * same MemoryFlash is a power cycle; `wipe()` is a factory reset or a lost
 * partition; `corrupt()` flips a byte, as a failing cell would.
 */
export class MemoryFlash implements Flash {
  #image: Uint8Array | undefined;
  /** How many images were written, for tests that count durability points. */
  writes = 0;

  constructor(image?: Uint8Array) {
    this.#image = image && image.slice();
  }

  read(): Uint8Array | undefined {
    return this.#image && this.#image.slice();
  }

  write(image: Uint8Array): void {
    this.#image = image.slice();
    this.writes++;
  }

  wipe(): void {
    this.#image = undefined;
  }

  /** Flips the bits of one byte of the image (default: the middle one). */
  corrupt(at?: number): void {
    if (!this.#image || this.#image.length === 0) return;
    const i = at ?? this.#image.length >> 1;
    this.#image[i] = this.#image[i]! ^ 0xff;
  }
}
