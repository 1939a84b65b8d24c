/**
 * A VGL byte stream as frames: the transport a device session runs on
 * (10.5). Frames are reassembled from any split of the stream, one byte at
 * a time included [VGL-13]; a frame length that cannot be trusted closes
 * the stream [VGL-2]. The stream outlives VGL connections: after a
 * DISCONNECT the central may CONNECT again on it (10.2).
 */
import type { Readable, Writable } from "node:stream";
import { FrameDecoder } from "@ferry/protocol/vgl";
import type { Frame } from "@ferry/protocol/vgl";

export interface FrameReceiver {
  frame(frame: Frame): void;
  /** The byte stream ended; `error` when it broke or carried an untrustworthy length. */
  closed(error?: Error): void;
}

/** What a device session needs from the byte stream under its link. */
export interface VglTransport {
  /** Writes one encoded frame; nothing after `close`. */
  send(frame: Uint8Array): void;
  /** Frames and the end of the stream go to `receiver` (replacing any other) until `detach`. */
  attach(receiver: FrameReceiver): void;
  detach(receiver: FrameReceiver): void;
  close(): void;
  readonly isClosed: boolean;
}

export class FrameStream implements VglTransport {
  readonly #decoder = new FrameDecoder();
  readonly #writable: Writable;
  readonly #close: () => void;
  #receiver: FrameReceiver | undefined;
  #closed = false;
  #error: Error | undefined;

  /** `close` ends the underlying stream (a socket's destroy, a child's stdin end). */
  constructor(readable: Readable, writable: Writable, close: () => void) {
    this.#writable = writable;
    this.#close = close;
    readable.on("data", (chunk: Uint8Array) => this.#push(chunk));
    readable.on("end", () => this.#end());
    readable.on("close", () => this.#end());
    readable.on("error", (e: Error) => this.#end(e));
    writable.on("error", (e: Error) => this.#end(e));
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  send(frame: Uint8Array): void {
    if (!this.#closed) this.#writable.write(frame);
  }

  attach(receiver: FrameReceiver): void {
    this.#receiver = receiver;
    if (this.#closed) receiver.closed(this.#error);
  }

  detach(receiver: FrameReceiver): void {
    if (this.#receiver === receiver) this.#receiver = undefined;
  }

  close(): void {
    if (this.#closed) return;
    this.#close();
    this.#end();
  }

  #push(chunk: Uint8Array): void {
    if (this.#closed) return;
    const { frames, error } = this.#decoder.push(chunk);
    // Frames not claimed by a session (between two of them) are dropped: nothing is due there [VGL-3].
    for (const f of frames) this.#receiver?.frame(f);
    if (error) {
      this.#close();
      this.#end(error);
    }
  }

  #end(error?: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#error = error;
    this.#receiver?.closed(error);
  }
}
