/**
 * The scripted peripheral as a stdio child [VGL-10]: frames on stdin and
 * stdout, logs on stderr, exit when stdin ends. Run with
 * `node --conditions=source --import tsx stdio-peripheral.fixture.ts`.
 */
import { DEMO_INFO } from "./harness.js";
import { ScriptedPeripheral } from "./scripted-peripheral.js";

const device = new ScriptedPeripheral({
  info: DEMO_INFO,
  now: () => performance.now(),
  send: (bytes) => void process.stdout.write(bytes),
});
process.stdin.on("data", (chunk: Uint8Array) => device.receive(chunk));
process.stdin.on("end", () => process.exit(0));
for (let i = 0; i < 3; i++) device.produce(2, new TextEncoder().encode(`sample ${i}`));
process.stderr.write("stdio peripheral ready\n");
