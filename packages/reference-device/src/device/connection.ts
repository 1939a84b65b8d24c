/**
 * What a device keeps for one GATT connection, in RAM only and rebuilt on
 * each connection (1.2): the ATT server's MTU, the CCCDs, the fragment
 * state of each direction, the handshake and the session it opened
 * [GATT-12] [VGL-4].
 */
import { PeripheralHandshake, Reassembler, Fragmenter, type PeripheralConfig } from "@ferry/protocol";
import { IndicationQueue } from "../gatt/indications.js";

export interface Session {
  /** The app's max_message: limits everything the device sends [FRAG-7]. */
  appMaxMessage: number;
  /** Features in effect [VGL-7]. */
  features: number;
  /** The Welcome went out: uplink may carry events [GATT-5]. */
  welcomeSent: boolean;
}

export class Connection {
  readonly openedAt: number;
  /** The Info value served on this connection, fixed while it lasts [GATT-6]. */
  readonly info: Uint8Array;
  readonly #handshakeConfig: PeripheralConfig;
  handshake: PeripheralHandshake;
  controlCccd = 0;
  uplinkCccd = 0;
  /** Control point, device to app (indications). */
  readonly control: IndicationQueue;
  /** Uplink, device to app (notifications). */
  readonly uplink: Fragmenter;
  /** Control point, app to device (Write Requests). */
  readonly controlIn: Reassembler;
  /** Downlink, app to device (Write Commands). */
  readonly downlinkIn: Reassembler;
  session: Session | undefined;
  /** An Error with action close is on its way: nothing more but its indication [ERR-4]. */
  closing = false;

  constructor(openedAt: number, info: Uint8Array, handshake: PeripheralConfig, deviceMaxMessage: number) {
    this.openedAt = openedAt;
    this.info = info;
    this.#handshakeConfig = handshake;
    this.handshake = new PeripheralHandshake(handshake, openedAt);
    // Until the Hello says otherwise the app's limit is the default [ENV-8].
    this.control = new IndicationQueue(4096);
    this.uplink = new Fragmenter({ maxMessage: 4096 });
    this.controlIn = new Reassembler({ maxMessage: deviceMaxMessage });
    this.downlinkIn = new Reassembler({ maxMessage: deviceMaxMessage });
  }

  /**
   * A refused first Hello (no major in common) or a message before it leaves
   * the device waiting for a Hello on the same connection (7.2.4: CONNECTED
   * stays CONNECTED), still within the first Hello timeout [DHS-10].
   */
  rearmHandshake(): void {
    this.handshake = new PeripheralHandshake(this.#handshakeConfig, this.openedAt);
  }

  get indicationsOn(): boolean {
    return (this.controlCccd & 0x0002) !== 0;
  }

  get notificationsOn(): boolean {
    return (this.uplinkCccd & 0x0001) !== 0;
  }
}
