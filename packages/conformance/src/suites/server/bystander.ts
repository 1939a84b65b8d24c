/**
 * A well-behaved session that stays open while a case attacks the server on
 * another connection: after the attack it must still be served, its events
 * acknowledged on the same connection [ERR-6] [CONF-10].
 */
import { CaseFailure, type CaseContext } from "../../runner/case.js";
import type { ServerTarget } from "../../targets/server-target.js";
import { ANSWER_MS, type Connection } from "./connection.js";
import { freshEpoch, runOf } from "./messages.js";
import { ackCovering, welcomed } from "./session.js";

const STREAM = 1;

export class Bystander {
  #next = 0n;

  private constructor(
    readonly conn: Connection,
    readonly epoch: number,
  ) {}

  static async open(ctx: CaseContext<ServerTarget>): Promise<Bystander> {
    const epoch = freshEpoch();
    const { conn } = await welcomed(ctx, { pending: [{ stream: STREAM, epoch }] });
    const b = new Bystander(conn, epoch);
    await b.#send("before");
    return b;
  }

  async #send(when: string): Promise<boolean> {
    const first = this.#next;
    this.conn.send(runOf(STREAM, this.epoch, first, 2, `bystander-${when}`));
    this.#next += 2n;
    return (await ackCovering(this.conn, STREAM, this.epoch, first, first + 1n)) !== undefined;
  }

  /** Fails the case with ERR-6 unless the session still takes and acknowledges events. */
  async expectStillServed(): Promise<void> {
    const ok = this.conn.isOpen && (await this.#send("after"));
    if (!ok) {
      const actual = this.conn.isOpen ? `its events got no Ack within ${ANSWER_MS} ms` : `it was closed with ${this.conn.closedWith?.code}`;
      throw new CaseFailure({ requirement: "ERR-6", expected: "another session, open during the hostile input, still served", actual });
    }
    await this.conn.close();
  }
}
