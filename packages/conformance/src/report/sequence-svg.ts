/**
 * A counterexample's messages as a sequence diagram: one lane per role, one
 * arrow per message, time going down. Inline SVG, no script, no external
 * resource, so the HTML report stays one self-contained file.
 */
import type { Role, TracedMessage } from "../runner/case.js";

const ORDER: Role[] = ["device", "app", "server"];
/** Wide enough for a label of MAX_LABEL characters between two lanes. */
const LANE_GAP = 440;
const LEFT = 70;
const TOP = 40;
const ROW = 30;
const MAX_LABEL = 64;

export const htmlEscape = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** `id` makes the arrow marker unique when a page holds several diagrams. */
export function sequenceSvg(messages: readonly TracedMessage[], id = "seq", title = "messages of the counterexample"): string {
  const marker = `arrow-${id.replace(/[^A-Za-z0-9-]/g, "")}`;
  const roles = ORDER.filter((r) => messages.some((m) => m.from === r || m.to === r));
  if (roles.length === 0) return "";
  // With one role only (a self-note), still draw two lanes' width for the labels.
  const laneX = new Map(roles.map((r, i) => [r, LEFT + 40 + i * LANE_GAP]));
  const width = LEFT + 80 + Math.max(1, roles.length - 1) * LANE_GAP + 180;
  const height = TOP + 20 + messages.length * ROW + 20;
  const parts: string[] = [];
  parts.push(`<svg class="seq" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${htmlEscape(title)}">`);
  parts.push(`<defs><marker id="${marker}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="head"/></marker></defs>`);
  for (const r of roles) {
    const x = laneX.get(r)!;
    parts.push(`<text x="${x}" y="${TOP - 16}" class="lane-name" text-anchor="middle">${r}</text>`);
    parts.push(`<line x1="${x}" y1="${TOP - 8}" x2="${x}" y2="${height - 10}" class="lane"/>`);
  }
  messages.forEach((m, i) => {
    const y = TOP + 20 + i * ROW;
    const x1 = laneX.get(m.from)!;
    const x2 = laneX.get(m.to)!;
    const label = htmlEscape(cut(`${m.type}${m.summary ? ` ${m.summary}` : ""}`, MAX_LABEL));
    parts.push(`<text x="6" y="${y + 4}" class="time">${m.atMs} ms</text>`);
    parts.push(`<g><title>${htmlEscape(`${m.atMs} ms ${m.from} → ${m.to}: ${m.type} ${m.summary}`)}</title>`);
    if (x1 === x2) {
      parts.push(`<rect x="${x1 + 6}" y="${y - 12}" width="${Math.min(LANE_GAP - 20, label.length * 6.2 + 12)}" height="18" class="note"/>`);
      parts.push(`<text x="${x1 + 12}" y="${y + 1}" class="label">${label}</text>`);
    } else {
      const cls = m.type === "error" || m.type === "close" ? "msg bad" : "msg";
      parts.push(`<line x1="${x1}" y1="${y}" x2="${x2}" y2="${y}" class="${cls}" marker-end="url(#${marker})"/>`);
      parts.push(`<text x="${(x1 + x2) / 2}" y="${y - 5}" class="label" text-anchor="middle">${label}</text>`);
    }
    parts.push(`</g>`);
  });
  parts.push(`</svg>`);
  return parts.join("\n");
}
