/** The HTML report's stylesheet, inlined: the report is one file that works offline. */
export const HTML_STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1d2330; background: #f6f7f9; }
header, main { max-width: 1200px; margin: 0 auto; padding: 12px 24px; }
header { background: #fff; border-bottom: 1px solid #dde1e7; }
h1 { font-size: 22px; margin: 8px 0; } h2 { font-size: 18px; margin: 24px 0 8px; } h3 { font-size: 15px; margin: 0 0 8px; }
code, pre { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; }
pre { background: #1d2330; color: #e8ecf2; padding: 8px 10px; border-radius: 4px; white-space: pre-wrap; word-break: break-all; margin: 0; }
table { border-collapse: collapse; width: 100%; background: #fff; margin: 8px 0; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #e6e9ee; vertical-align: top; }
th { background: #eef1f5; font-weight: 600; }
td.num { text-align: right; white-space: nowrap; } td.text { font-size: 12px; color: #4a5366; }
.badge { display: inline-block; padding: 1px 7px; border-radius: 9px; font-size: 11px; font-weight: 700; text-transform: uppercase; color: #fff; }
.badge.pass { background: #2e8540; } .badge.fail { background: #c0392b; } .badge.unsupported { background: #7f8c8d; } .badge.skipped { background: #b7bcc4; }
tr.fail td { background: #fdf1ef; }
.failure { background: #fff; border: 1px solid #e8c4bf; border-left: 4px solid #c0392b; border-radius: 4px; padding: 12px 16px; margin: 12px 0; }
.failure .title { font-weight: 400; } .warn { color: #9a6700; font-size: 12px; font-weight: 400; }
dl { display: grid; grid-template-columns: 130px 1fr; gap: 4px 12px; margin: 0; } dt { font-weight: 600; color: #4a5366; } dd { margin: 0; }
dd.actual { color: #a12b1f; }
blockquote { margin: 4px 0 0; padding: 4px 10px; border-left: 3px solid #c8ced8; color: #39414f; background: #f8f9fb; }
.level, .chapter { font-size: 11px; color: #5b6475; }
ol.steps { margin: 0; padding-left: 20px; }
.diagram { overflow-x: auto; margin-top: 10px; background: #fcfcfd; border: 1px solid #e6e9ee; border-radius: 4px; }
svg.seq .lane { stroke: #a9b1bf; stroke-dasharray: 4 3; } svg.seq .lane-name { font: 600 13px system-ui, sans-serif; fill: #1d2330; }
svg.seq .msg { stroke: #2c5aa0; stroke-width: 1.4; } svg.seq .msg.bad { stroke: #c0392b; } svg.seq .head { fill: #2c5aa0; }
svg.seq .label { font: 11px ui-monospace, Menlo, monospace; fill: #1d2330; } svg.seq .time { font: 10px ui-monospace, Menlo, monospace; fill: #7a8394; }
svg.seq .note { fill: #fff8e1; stroke: #e0c46c; }
details { margin: 8px 0; } p.ids { font: 12px ui-monospace, Menlo, monospace; word-spacing: 4px; }
`;
