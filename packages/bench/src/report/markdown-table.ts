/** Markdown tables and the "median (min to max)" cell every timed figure uses. */
import type { Stat } from "../stats.js";
import { fmtNum } from "./format.js";

export type Align = "l" | "r";

const cell = (s: string): string => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

export function table(headers: string[], rows: string[][], align: Align[] = []): string {
  const sep = headers.map((_, i) => (align[i] === "r" ? "---:" : "---"));
  return [headers, sep, ...rows].map((r) => `| ${r.map(cell).join(" | ")} |`).join("\n");
}

/** "1,230,000 (1,100,000 to 1,300,000)", with an optional formatter. */
export function statCell(s: Stat, f: (n: number) => string = fmtNum): string {
  return s.min === s.max ? f(s.median) : `${f(s.median)} (${f(s.min)} to ${f(s.max)})`;
}
