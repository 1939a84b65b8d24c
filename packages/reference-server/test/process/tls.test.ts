/**
 * `ferry-server --tls-cert FILE --tls-key FILE`: both bindings over TLS on
 * one port [SEC-3], checked with a self-signed certificate that openssl
 * makes for the test (node cannot make certificates by itself). A client
 * that trusts the certificate gets a Welcome over wss:// and an Ack over
 * https://; one that does not is refused by its own TLS check.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCommandLine } from "../../src/cli.js";
import { batchHello, postBatch } from "../support/batch-client.js";
import { CLI, runCommand, startServer, tempDir, type RunningServer } from "../support/server-process.js";
import { eventsMessage, helloMessage, RawClient } from "../support/ws-client.js";

const HAVE_OPENSSL = spawnSync("openssl", ["version"], { stdio: "ignore" }).status === 0;
const DEVICE = new Uint8Array([0x7e, 0x15]);
const EPOCH = 4242;

/** A self-signed P-256 certificate for 127.0.0.1, valid one day; returns the paths. */
function selfSigned(dir: string, name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  execFileSync(
    "openssl",
    ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert],
    { stdio: "ignore" },
  );
  return { cert, key };
}

function httpsGet(url: string, ca?: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    request(url, { ...(ca && { ca }) }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    })
      .on("error", reject)
      .end();
  });
}

describe.skipIf(!HAVE_OPENSSL)("ferry-server over TLS (skipped when openssl is not on PATH: it makes the test's self-signed certificate)", () => {
  let dir: string;
  let pair: { cert: string; key: string };
  let other: { cert: string; key: string };
  let ca: Buffer;
  let server: RunningServer;

  beforeAll(async () => {
    dir = tempDir();
    pair = selfSigned(dir, "server");
    other = selfSigned(dir, "other");
    ca = readFileSync(pair.cert);
    server = await startServer(["--token", "demo", "--tls-cert", pair.cert, "--tls-key", pair.key, "--log-level", "error"], { dir });
  });

  afterAll(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("[SEC-3] prints wss:// and https:// URLs on its listening line", () => {
    expect(server.url).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/v1\/ws$/);
    expect(server.httpUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it("[SEC-3] [HS-6] [WS-3] takes custody over wss:// for a client that trusts the certificate", async () => {
    const c = await RawClient.connect(server.url, ["ferry.v1"], { ca });
    c.send(helloMessage(DEVICE, "demo", { pending: [{ stream: 1, epoch: EPOCH }] }));
    c.send(eventsMessage(1, EPOCH, 0n, ["over-tls"]));
    expect((await c.welcome()).major).toBe(1);
    expect((await c.ackedTo(1, 1n)).nextSeq).toBe(1n);
    c.close();
  });

  it("[SEC-3] [HTTP-5] [HTTP-15] answers batches and health over https://", async () => {
    expect(await httpsGet(`${server.httpUrl}/v1/health`, ca)).toBe(200);
    const answer = await postBatch(server.httpUrl, { hello: batchHello(DEVICE, "demo"), messages: [eventsMessage(2, EPOCH, 0n, ["batch-over-tls"])] }, { ca });
    expect(answer.status).toBe(200);
    expect(answer.ack!.streams).toEqual([{ stream: 2, epoch: EPOCH, nextSeq: 1n, received: [], accounted: [] }]);
  });

  it("[SEC-3] a client that validates the certificate and does not trust it is refused by its own check", async () => {
    await expect(httpsGet(`${server.httpUrl}/v1/health`)).rejects.toThrow(/self.signed|certificate/i);
    await expect(RawClient.connect(server.url)).rejects.toThrow(/self.signed|certificate/i);
  });

  it("refuses a certificate with another certificate's key, as bad usage (status 2)", async () => {
    expect(() => parseCommandLine(["--token", "t", "--tls-cert", pair.cert, "--tls-key", other.key], {})).toThrow(/--tls-cert, --tls-key: not a usable certificate and key pair/);
    const { code, stderr } = await runCommand(process.execPath, [...CLI, "--token", "t", "--tls-cert", pair.cert, "--tls-key", other.key]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/not a usable certificate and key pair/);
  });
});

describe("TLS options", () => {
  it.each([
    [["--token", "t", "--tls-cert", "cert.pem"], /--tls-cert needs --tls-key/],
    [["--token", "t", "--tls-key", "key.pem"], /--tls-key needs --tls-cert/],
    [["--token", "t", "--tls-cert", "/nonexistent/cert.pem", "--tls-key", "/nonexistent/key.pem"], /--tls-cert: cannot read \/nonexistent\/cert\.pem: ENOENT/],
  ])("refuse the usage %j", (args, message) => {
    expect(() => parseCommandLine(args, {})).toThrow(message);
  });
});
