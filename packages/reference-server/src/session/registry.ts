/**
 * The server's live sessions by device, so a command queued by the vendor
 * application reaches every open session of its device at once [CMD-11];
 * and, per session id, the commands an app acknowledged as RECEIVED in that
 * session, which a resumed session does not replay [CMD-11].
 *
 * That memory is in process and bounded (least recently used sessions are
 * forgotten): losing it costs only a replayed command, which the app
 * answers without storing it twice [CMD-7].
 */
import { hex } from "../auth.js";

export interface LiveSession {
  /** New commands were queued for the session's device. */
  commandsQueued(): void;
}

const MAX_REMEMBERED_SESSIONS = 100_000;

export class SessionRegistry {
  readonly #byDevice = new Map<string, Set<LiveSession>>();
  readonly #received = new Map<string, Set<bigint>>();
  readonly #maxRemembered: number;

  constructor(maxRemembered = MAX_REMEMBERED_SESSIONS) {
    this.#maxRemembered = maxRemembered;
  }

  add(deviceId: Uint8Array, session: LiveSession): void {
    const key = hex(deviceId);
    let set = this.#byDevice.get(key);
    if (!set) this.#byDevice.set(key, (set = new Set()));
    set.add(session);
  }

  remove(deviceId: Uint8Array, session: LiveSession): void {
    const key = hex(deviceId);
    const set = this.#byDevice.get(key);
    if (!set) return;
    set.delete(session);
    if (set.size === 0) this.#byDevice.delete(key);
  }

  /** Sessions open for a device (tests and the admin API). */
  sessionsOf(deviceId: Uint8Array): number {
    return this.#byDevice.get(hex(deviceId))?.size ?? 0;
  }

  get size(): number {
    let n = 0;
    for (const set of this.#byDevice.values()) n += set.size;
    return n;
  }

  commandsQueued(deviceId: Uint8Array): void {
    for (const s of this.#byDevice.get(hex(deviceId)) ?? []) s.commandsQueued();
  }

  /** Command ids acknowledged RECEIVED (hop) in a session: kept across its resumes. */
  receivedIn(sessionId: Uint8Array): Set<bigint> {
    const key = hex(sessionId);
    let set = this.#received.get(key);
    if (set) {
      this.#received.delete(key);
    } else {
      set = new Set();
      if (this.#received.size >= this.#maxRemembered) {
        const oldest = this.#received.keys().next().value;
        if (oldest !== undefined) this.#received.delete(oldest);
      }
    }
    this.#received.set(key, set);
    return set;
  }
}
