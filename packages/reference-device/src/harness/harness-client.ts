/**
 * The device side of the harness channel (spec chapter 17): with
 * FERRY_HARNESS=tcp://HOST:PORT the conformance toolkit asks this device to
 * produce events and reports what it did, as JSON lines [HAR-1] [HAR-2].
 *
 *   const harness = await HarnessClient.connect(url, { produce, status });
 *   harness.observe(observation);   // produced, execute
 *
 * Requests are answered one at a time, in order [HAR-4]; an op this device
 * does not know is answered `unsupported` rather than refused.
 */
import { connect, type Socket } from "node:net";
import { createInterface } from "node:readline";
import type { Observation } from "../device/observation.js";

export interface HarnessDevice {
  /** Produces `count` events of `size` bytes on `stream` through the normal path [HAR-7]; returns the first and last sequence. */
  produce(stream: number, count: number, size: number): { first: bigint; last: bigint };
  status(): { epoch: number; buffered: number; capacity: number };
}

type Request = { id: number; op: string; [member: string]: unknown };

export class HarnessClient {
  readonly #socket: Socket;
  readonly #t0: number;

  private constructor(socket: Socket, device: HarnessDevice, now: () => number) {
    this.#socket = socket;
    this.#t0 = now();
    this.#now = now;
    createInterface({ input: socket, crlfDelay: Infinity }).on("line", (line) => this.#request(line, device));
  }

  readonly #now: () => number;

  /** Opens the channel and writes the hello observation [HAR-1] [HAR-3]. */
  static async connect(url: string, device: HarnessDevice, now: () => number = () => performance.now()): Promise<HarnessClient> {
    const m = /^tcp:\/\/(.+):(\d{1,5})$/.exec(url);
    if (!m) throw new Error(`FERRY_HARNESS must be tcp://HOST:PORT, not ${url}`);
    const host = m[1]!.replace(/^\[(.*)\]$/, "$1");
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect({ host, port: Number(m[2]) }, () => resolve(s));
      s.once("error", reject);
    });
    socket.setNoDelay(true);
    const client = new HarnessClient(socket, device, now);
    client.#write({ obs: "hello", role: "device", implementation: "@ferry/reference-device", t: 0 });
    return client;
  }

  /** The observations of chapter 17.3 a device writes: produced and execute [HAR-8]. */
  observe(o: Observation): void {
    if (o.event === "produced") {
      this.#write({ obs: "produced", t: this.#t(), stream: o.stream, epoch: o.epoch, first: o.seq.toString(), last: o.seq.toString() });
    } else if (o.event === "command" && o.outcome === "executed" && !o.duplicate) {
      this.#write({ obs: "execute", t: this.#t(), commandId: o.id.toString(), name: Buffer.from(o.payload).toString("hex") });
    }
  }

  close(): void {
    this.#socket.end();
  }

  #request(line: string, device: HarnessDevice): void {
    let r: Request;
    try {
      r = JSON.parse(line) as Request;
      if (typeof r !== "object" || r === null || !Number.isInteger(r.id) || typeof r.op !== "string") throw new Error("a request needs an integer id and a string op");
    } catch (e) {
      return this.#write({ obs: "error", t: this.#t(), detail: `bad request line: ${(e as Error).message}` });
    }
    try {
      if (r.op === "produce") {
        const stream = Number(r.stream);
        const count = r.count === undefined ? 1 : Number(r.count);
        const size = r.size === undefined ? 16 : Number(r.size);
        if (!Number.isInteger(stream) || !Number.isInteger(count) || count < 1 || !Number.isInteger(size) || size < 0) throw new Error("produce needs stream, count >= 1 and size >= 0 as integers");
        const { first, last } = device.produce(stream, count, size);
        this.#write({ id: r.id, ok: true, first: first.toString(), last: last.toString() });
      } else if (r.op === "status") {
        this.#write({ id: r.id, ok: true, ...device.status() });
      } else {
        this.#write({ id: r.id, ok: false, unsupported: true, error: `op ${r.op} is not one a device serves` });
      }
    } catch (e) {
      this.#write({ id: r.id, ok: false, error: (e as Error).message });
    }
  }

  #t(): number {
    return Math.round(this.#now() - this.#t0);
  }

  #write(json: Record<string, unknown>): void {
    this.#socket.write(`${JSON.stringify(json)}\n`);
  }
}
