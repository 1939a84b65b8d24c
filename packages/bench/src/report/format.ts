/** Number formats of the summary. */
export const fmtInt = (n: number): string => Math.round(n).toLocaleString("en-US");

/** Three significant digits, thousands separated: 1,234,567 -> "1,230,000"; 0.0123 -> "0.0123". */
export function fmtNum(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 100) return fmtInt(Number(n.toPrecision(3)));
  return Number(n.toPrecision(3)).toString();
}

export const fmtPct = (x: number): string => `${(x * 100).toFixed(2)} %`;

export function fmtMs(ms: number): string {
  return ms >= 100 ? `${fmtInt(ms)} ms` : `${ms.toFixed(1)} ms`;
}

export const fmtRatio = (x: number): string => `${x >= 10 ? x.toFixed(1) : x.toFixed(2)}×`;
