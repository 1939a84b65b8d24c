/**
 * The `ferry-server` command as a user runs it: help, usage errors, the
 * resume key kept beside the database across restarts, and a graceful
 * shutdown that closes sessions with 1001.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { OPTIONS, parseCommandLine } from "../../src/cli.js";
import { CLI, runCommand, startServer, tempDir } from "../support/server-process.js";
import { GoodClient, helloMessage, RawClient } from "../support/ws-client.js";

const DEVICE = new Uint8Array([0xc0, 0xff, 0xee]);
const EPOCH = 77;

describe("ferry-server command", () => {
  it("--help documents every option, through the package's bin", async () => {
    const { code, stdout } = await runCommand(process.execPath, ["bin/ferry-server.js", "--help"], { ...process.env, FERRY_FROM_SOURCE: "1" });
    expect(code).toBe(0);
    // Every option the parser takes, each at the start of its own help entry.
    const documented = new Set([...stdout.matchAll(/^ {2}(?:-\w, )?(--[a-z-]+)/gm)].map((m) => m[1]));
    expect([...documented].sort()).toEqual(Object.keys(OPTIONS).map((name) => `--${name}`).sort());
    expect(stdout).toContain("-h, --help");
    expect(stdout).toContain("ferry-server listening");
  });

  it("exits 2 on bad usage", async () => {
    const { code, stderr } = await runCommand(process.execPath, [...CLI, "--token", "t", "--bogus"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/Unknown option/);
  });

  it.each([
    [["--token", "t", "--port", "http"], /--port/],
    [["--token", "t", "--log-level", "loud"], /--log-level/],
    [["--token", "t", "--resume-key", "abc"], /--resume-key/],
    [["--tokens", "/nonexistent/tokens.json"], /--tokens/],
    [[], /no credentials/],
  ])("refuses the usage %j with status 2", (args, message) => {
    expect(() => parseCommandLine(args, {})).toThrow(message);
  });

  it("[SEC-4] [HS-8] keeps its resume key beside the database, so a restarted server resumes sessions", async () => {
    const dir = tempDir();
    const first = await startServer(["--token", "demo", "--log-level", "error"], { dir });
    const key = `${first.dbPath}.key`;
    expect(existsSync(key)).toBe(true);
    expect(statSync(key).mode & 0o077).toBe(0);
    const client = await GoodClient.open(first.url, DEVICE, "demo", 1, EPOCH);
    await client.send(3);
    const token = (await client.raw.welcome()).resumeToken;
    expect(await first.stop()).toBe(0);

    const second = await startServer(["--token", "demo", "--log-level", "error"], { dir });
    expect(readFileSync(key, "utf8")).toMatch(/^[0-9a-f]{64}\n$/);
    const again = await RawClient.connect(second.url);
    again.send(helloMessage(DEVICE, "demo", { resumeToken: token, pending: [{ stream: 1, epoch: EPOCH }] }));
    const welcome = await again.welcome();
    expect(welcome).toMatchObject({ resumed: true, resumeRefused: 0 });
    expect(welcome.custody[0]!.nextSeq).toBe(3n);
    again.close();
    expect(await second.stop()).toBe(0);
  });

  it("a graceful shutdown acknowledges what it holds, then closes sessions with 1001 (going away) and exits 0", async () => {
    const server = await startServer(["--token", "demo", "--log-level", "error"]);
    const client = await GoodClient.open(server.url, DEVICE, "demo", 1, EPOCH);
    await client.send(2);
    const stopped = server.stop("SIGTERM");
    expect(await client.raw.closeCode()).toBe(1001);
    expect(await stopped).toBe(0);
  });
});
