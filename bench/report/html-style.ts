/** The report's stylesheet: system fonts, no external assets, readable in light and dark mode. */
export const REPORT_CSS = `
:root { --fg:#0f172a; --muted:#64748b; --bg:#ffffff; --panel:#f8fafc; --line:#e2e8f0; --ok:#059669; --bad:#dc2626; --warn:#d97706;
  --user:#2563eb; --other:#a78bfa; --agent:#059669; --accent:#0f766e; }
@media (prefers-color-scheme: dark) { :root { --fg:#e2e8f0; --muted:#94a3b8; --bg:#0b1120; --panel:#111a2e; --line:#1e293b; } }
* { box-sizing: border-box; }
body { margin:0; font: 15px/1.55 -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color:var(--fg); background:var(--bg); }
main { max-width: 1040px; margin: 0 auto; padding: 32px 24px 80px; }
h1 { font-size: 28px; margin: 0 0 4px; letter-spacing: -0.02em; }
h2 { font-size: 20px; margin: 44px 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--line); letter-spacing: -0.01em; }
h3 { font-size: 16px; margin: 24px 0 8px; }
p, li { max-width: 80ch; }
.sub { color: var(--muted); margin: 0 0 16px; }
.chips { display:flex; flex-wrap:wrap; gap:6px; margin: 10px 0 0; }
.chip { font-size: 12px; padding: 2px 9px; border-radius: 999px; background: var(--panel); border: 1px solid var(--line); color: var(--muted); }
.chip b { color: var(--fg); font-weight: 600; }
table { border-collapse: collapse; width: 100%; font-size: 14px; margin: 8px 0 4px; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; }
tr.ours td { background: color-mix(in srgb, var(--accent) 10%, transparent); font-weight: 600; }
tr.first td { border-top: 2px solid var(--line); }
.met { color: var(--ok); font-weight: 600; } .missed { color: var(--bad); font-weight: 600; }
.goals { display:grid; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr)); gap: 10px; }
.goal { border: 1px solid var(--line); border-radius: 10px; padding: 10px 12px; background: var(--panel); }
.goal .name { font-size: 13px; color: var(--muted); }
.goal .value { font-size: 22px; font-weight: 650; letter-spacing: -0.01em; }
.goal .target { font-size: 12px; color: var(--muted); }
.goal.ok { border-left: 4px solid var(--ok); } .goal.bad { border-left: 4px solid var(--bad); } .goal.none { border-left: 4px solid var(--line); }
.note { font-size: 13px; color: var(--muted); }
.caveat { border-left: 3px solid var(--warn); padding: 6px 12px; background: var(--panel); font-size: 13.5px; }
details.cat { border: 1px solid var(--line); border-radius: 10px; margin: 10px 0; background: var(--bg); }
details.cat > summary { cursor: pointer; padding: 10px 14px; font-weight: 600; list-style: none; display:flex; justify-content: space-between; gap: 12px; }
details.cat > summary::-webkit-details-marker { display:none; }
details.cat > summary .tally { font-weight: 400; color: var(--muted); font-size: 13px; }
.sample { padding: 10px 14px; border-top: 1px solid var(--line); }
.sample .head { display:flex; gap:10px; align-items: baseline; flex-wrap: wrap; }
.sample .id { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px; }
.badge { font-size: 11px; font-weight: 700; padding: 1px 7px; border-radius: 5px; color: white; }
.badge.ok { background: var(--ok); } .badge.bad { background: var(--bad); } .badge.skip { background: var(--muted); }
.sample .what { font-size: 13px; color: var(--muted); }
.sample .said { font-size: 12.5px; color: var(--muted); margin: 2px 0 4px; }
svg.lanes { display:block; margin-top: 6px; max-width: 100%; }
svg.lanes text.lane { font-size: 11px; fill: var(--muted); }
svg.lanes text.tick { font-size: 10px; fill: var(--muted); text-anchor: middle; }
svg.lanes line.grid { stroke: var(--line); stroke-width: 1; }
svg.lanes line.track { stroke: var(--line); stroke-width: 1; stroke-dasharray: 2 3; }
svg.lanes rect.user { fill: var(--user); } svg.lanes rect.other { fill: var(--other); } svg.lanes rect.agent { fill: var(--agent); }
svg.lanes rect.win.pause { fill: #f59e0b; opacity: .16; } svg.lanes rect.win.event { fill: #ef4444; opacity: .12; }
svg.lanes rect.win.mark { fill: #ef4444; opacity: .7; }
.legend { display:flex; flex-wrap: wrap; gap: 4px 14px; font-size: 12px; color: var(--muted); margin: 6px 0; }
.key i { display:inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 5px; vertical-align: -1px; }
.bar { display:flex; height: 14px; border-radius: 4px; overflow: hidden; min-width: 160px; background: var(--line); }
.bar span { display:block; height: 100%; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12.5px; background: var(--panel); padding: 1px 4px; border-radius: 4px; }
`;
