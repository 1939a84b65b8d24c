/**
 * The VGL over TCP: the peripheral listens, the central connects, one TCP
 * connection carrying one byte stream [VGL-11]; Nagle's algorithm off, so a
 * frame leaves at once (10.5).
 */
import { connect } from "node:net";
import { FrameStream } from "./frame-stream.js";

/** The port a TCP peripheral listens on unless told otherwise [VGL-12]. */
export const VGL_TCP_PORT = 7517;

export function connectTcp(port: number = VGL_TCP_PORT, host = "127.0.0.1"): Promise<FrameStream> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host, noDelay: true });
    const fail = (e: Error) => reject(e);
    socket.once("error", fail);
    socket.once("connect", () => {
      socket.off("error", fail);
      socket.setNoDelay(true);
      resolve(new FrameStream(socket, socket, () => socket.destroy()));
    });
  });
}
