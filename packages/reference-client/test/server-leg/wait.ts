/** Bounded polling: wait for a condition, fail with a message that says what was awaited and what was seen. */
export async function waitFor(what: string, check: () => boolean, opts: { timeoutMs?: number; describe?: () => string } = {}): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${opts.describe ? `: ${opts.describe()}` : ""}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
