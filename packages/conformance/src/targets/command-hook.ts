/**
 * `--queue-command CMD`: how the toolkit asks a vendor's server to queue a
 * command, as its vendor application would [CMD-2]. The shell command runs
 * with the command in its environment and must exit 0 once it is queued:
 *
 *   FERRY_DEVICE_ID         the device, hex
 *   FERRY_COMMAND_PAYLOAD   the payload, hex
 *   FERRY_COMMAND_TTL_MS    its time to live, 0 for none
 *
 * e.g. for the reference server's API:
 *   curl -fsS -H "Authorization: Bearer $ADMIN" -d "{\"payload\":\"...\"}" .../v1/devices/$FERRY_DEVICE_ID/commands
 */
import { spawn } from "node:child_process";
import { bytesHex } from "./server-target.js";

export function commandHook(cmd: string, timeoutMs = 10_000): (deviceId: Uint8Array, payload: Uint8Array, ttlMs: number) => Promise<void> {
  return (deviceId, payload, ttlMs) =>
    new Promise((resolve, reject) => {
      const env = { ...process.env, FERRY_DEVICE_ID: bytesHex(deviceId), FERRY_COMMAND_PAYLOAD: bytesHex(payload), FERRY_COMMAND_TTL_MS: String(ttlMs) };
      const child = spawn(cmd, { shell: true, env, stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => void (stderr += d.toString()));
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      child.once("error", (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        if (code === 0) resolve();
        else reject(new Error(`--queue-command exited with ${signal ?? code}: ${stderr.trim().slice(-500)}`));
      });
    });
}
