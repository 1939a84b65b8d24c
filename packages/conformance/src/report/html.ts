/**
 * The HTML report: one static file, inline CSS, no script and no external
 * resource. For each failure: the requirement's text, expected, actual, the
 * shrunk counterexample as steps and as a sequence diagram, and the replay
 * command; then every case, and the coverage of MUST and SHOULD
 * requirements by the cases that ran.
 */
import type { CaseResult as VectorResult } from "../suites/vectors.js";
import type { CaseResult } from "../runner/run.js";
import { HTML_STYLE } from "./html-style.js";
import { byRequirementId, countOutcomes, type RoleRun } from "./model.js";
import { sequenceSvg, htmlEscape as e } from "./sequence-svg.js";
import { requirementIndex, protocolVersion, TOOL } from "./spec-files.js";

const badge = (outcome: string) => `<span class="badge ${outcome}">${outcome}</span>`;

function failureSection(r: CaseResult): string {
  const f = r.failure!;
  const req = requirementIndex().get(f.requirement);
  const steps = f.counterexample?.steps ?? [];
  const messages = f.counterexample?.messages ?? [];
  return `<section class="failure" id="${e(r.case.id)}">
<h3>${badge("fail")} ${e(r.case.id)} <span class="title">${e(r.case.title)}</span>${r.case.level === "SHOULD" ? ' <span class="warn">SHOULD-level: a warning, not a non-conformance</span>' : ""}</h3>
<dl>
<dt>requirement</dt><dd><b>${e(f.requirement)}</b>${req ? ` <span class="level">${e(req.level)}</span> <span class="chapter">${e(req.chapter)}</span><blockquote>${e(req.text)}</blockquote>` : ""}</dd>
<dt>expected</dt><dd>${e(f.expected)}</dd>
<dt>actual</dt><dd class="actual">${e(f.actual)}</dd>
<dt>seed</dt><dd><code>${f.seed}</code>${f.path ? ` path <code>${e(f.path)}</code>` : ""}</dd>
${steps.length > 0 ? `<dt>counterexample</dt><dd><ol class="steps">${steps.map((s) => `<li>${e(typeof s === "string" ? s : s.action)}</li>`).join("")}</ol></dd>` : ""}
<dt>replay</dt><dd><pre>${e(f.replay)}</pre></dd>
</dl>
${messages.length > 0 ? `<div class="diagram">${sequenceSvg(messages, r.case.id)}</div>` : ""}
</section>`;
}

function casesTable(results: readonly CaseResult[]): string {
  const rows = results.map(
    (r) =>
      `<tr class="${r.outcome}" id="case-${e(r.case.id)}"><td>${r.outcome === "fail" ? `<a href="#${e(r.case.id)}">${e(r.case.id)}</a>` : e(r.case.id)}</td><td>${e(r.case.title)}</td><td>${r.case.level}</td><td>${badge(r.outcome)}</td><td class="num">${r.outcome === "pass" || r.outcome === "fail" ? `${r.durationMs} ms` : ""}</td><td>${r.case.cites.map(e).join(", ")}</td><td>${e(r.reason ?? (r.failure ? `[${r.failure.requirement}] ${r.failure.actual}` : ""))}</td></tr>`,
  );
  return `<table class="cases"><thead><tr><th>case</th><th>checks</th><th>level</th><th>outcome</th><th>time</th><th>requirements</th><th>note</th></tr></thead><tbody>${rows.join("\n")}</tbody></table>`;
}

/** Which MUST and SHOULD requirements the cases that ran exercise, and how they fared. */
function coverageSection(runs: readonly RoleRun[]): string {
  const index = requirementIndex();
  const ran = runs.flatMap((r) => r.results).filter((r) => r.outcome === "pass" || r.outcome === "fail");
  const byReq = new Map<string, CaseResult[]>();
  for (const r of ran) for (const id of r.case.cites) byReq.set(id, [...(byReq.get(id) ?? []), r]);
  const ids = [...byReq.keys()].filter((id) => ["MUST", "SHOULD"].includes(index.get(id)?.level ?? "")).sort(byRequirementId);
  const total = (level: string) => [...index.values()].filter((q) => q.level === level).length;
  const covered = (level: string) => ids.filter((id) => index.get(id)!.level === level).length;
  const rows = ids.map((id) => {
    const q = index.get(id)!;
    const cases = byReq.get(id)!;
    const status = cases.some((c) => c.outcome === "fail") ? "fail" : "pass";
    return `<tr class="${status}"><td>${e(id)}</td><td>${q.level}</td><td>${badge(status)}</td><td>${cases.map((c) => `<a href="#case-${e(c.case.id)}">${e(c.case.id)}</a>`).join(" ")}</td><td class="text">${e(q.text)}</td></tr>`;
  });
  const missing = [...index.values()].filter((q) => (q.level === "MUST" || q.level === "SHOULD") && !byReq.has(q.id)).map((q) => q.id).sort(byRequirementId);
  return `<section><h2>Coverage</h2>
<p>The cases that ran exercise <b>${covered("MUST")}</b> of the spec's ${total("MUST")} MUST requirements and <b>${covered("SHOULD")}</b> of its ${total("SHOULD")} SHOULD requirements (many apply to other roles).</p>
<table class="coverage"><thead><tr><th>requirement</th><th>level</th><th>status</th><th>cases</th><th>text</th></tr></thead><tbody>${rows.join("\n")}</tbody></table>
<details><summary>MUST and SHOULD requirements no case of this run exercised (${missing.length})</summary><p class="ids">${missing.map(e).join(" ")}</p></details>
</section>`;
}

function vectorsSection(vectors: readonly VectorResult[]): string {
  const failed = vectors.filter((v) => v.outcome === "fail");
  const show = (x: unknown) => JSON.stringify(x, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
  const rows = failed.map((v) => `<tr class="fail"><td>${e(v.id)}</td><td>${e(v.file)}</td><td>${e(v.requirements.join(", "))}</td><td>${e(v.detail ?? "")}<br>expected ${e(show(v.expected))}<br>actual ${e(show(v.actual))}</td></tr>`);
  return `<section><h2>Golden vectors</h2><p>${vectors.length - failed.length} passed, ${failed.length} failed [CONF-14].</p>${rows.length > 0 ? `<table><thead><tr><th>vector</th><th>file</th><th>requirements</th><th>what</th></tr></thead><tbody>${rows.join("\n")}</tbody></table>` : ""}</section>`;
}

export function htmlReport(runs: readonly RoleRun[], vectors?: readonly VectorResult[]): string {
  const failures = runs.flatMap((r) => r.results.filter((x) => x.outcome === "fail" && x.failure));
  const vectorFailures = vectors?.filter((v) => v.outcome === "fail").length ?? 0;
  const verdict = failures.length + vectorFailures === 0 ? "pass" : "fail";
  const summaries = runs.map((run) => {
    const n = countOutcomes(run.results);
    const impl = typeof run.ics === "object" ? ` — ${e(run.ics.implementation.name)} ${e(run.ics.implementation.version)} (${e(run.ics.implementation.vendor)})` : "";
    return `<tr><td>${run.role}</td><td><code>${e(run.target.url ?? run.target.cmd ?? "")}</code>${impl}</td><td>${n.passed}</td><td>${n.failed}</td><td>${n.unsupported}</td><td>${n.skipped}</td></tr>`;
  });
  const first = runs[0];
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Ferry conformance report: ${verdict}</title>
<style>${HTML_STYLE}</style></head>
<body>
<header><h1>Ferry conformance report ${badge(verdict)}</h1>
<p>${e(TOOL.name)} ${e(TOOL.version)}, protocol ${e(protocolVersion())}${first ? `, seed <code>${first.seed}</code>, ${first.runs} runs per property, started ${e(first.started.toISOString())}` : ""}</p>
<table class="summary"><thead><tr><th>role</th><th>target</th><th>passed</th><th>failed</th><th>unsupported</th><th>skipped</th></tr></thead><tbody>${summaries.join("\n")}</tbody></table>
</header>
<main>
${failures.length > 0 ? `<section><h2>Failures (${failures.length})</h2>${failures.map(failureSection).join("\n")}</section>` : "<section><h2>No failures</h2></section>"}
${runs.map((run) => `<section><h2>Cases: ${run.role}</h2>${casesTable(run.results)}</section>`).join("\n")}
${coverageSection(runs)}
${vectors && vectors.length > 0 ? vectorsSection(vectors) : ""}
</main></body></html>
`;
}
