/**
 * The HTML report's one stylesheet. It is inlined in a <style> element whose SHA-256 the page's
 * Content-Security-Policy names, so it is the only style the page can have (no style attributes,
 * no other <style>, nothing from the network). Colours: Okabe-Ito for lines (distinguishable with
 * the common colour-vision deficiencies); green / amber / red for delivered / deferred / bounced.
 */
export const CSS = `
:root{--fg:#1d232b;--muted:#5d6875;--bg:#fff;--panel:#f5f7fa;--line:#dde2e8;--ok:#1b7f3b;--warn:#a86500;--crit:#c0262d;
--delivered:#3a9a5b;--deferred:#e6a23c;--bounced:#d64545;--l0:#0072b2;--l1:#e69f00;--l2:#009e73;--l3:#cc79a7;--l4:#d55e00;--l5:#56b4e9}
@media (prefers-color-scheme:dark){:root{--fg:#e4e8ee;--muted:#9aa5b1;--bg:#14181d;--panel:#1d232b;--line:#313a45}}
*{box-sizing:border-box}
html{background:var(--bg);color:var(--fg)}
body{margin:0 auto;max-width:1240px;padding:20px 24px 40px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:17px;margin:28px 0 10px;padding-bottom:4px;border-bottom:1px solid var(--line)}
h3{font-size:14px;margin:16px 0 6px}
p{margin:4px 0}
.muted,.sub{color:var(--muted)}
nav{margin:10px 0 0;font-size:13px}
nav a{margin-right:12px;color:var(--l0);text-decoration:none}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;font-size:13px;font-variant-numeric:tabular-nums;width:100%}
th,td{padding:4px 6px;border-bottom:1px solid var(--line);text-align:right;white-space:nowrap;vertical-align:top}
th{font-weight:600;background:var(--panel);position:sticky;top:0}
th.l,td.l{text-align:left}
td.text{white-space:normal;overflow-wrap:anywhere;text-align:left;min-width:10em}
td.wrap{white-space:normal}
td.key{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:10px}
.card{background:var(--panel);border-radius:6px;padding:10px 12px}
.card .label{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.03em}
.card .value{font-size:22px;font-weight:600;font-variant-numeric:tabular-nums}
.card .rate{font-size:14px}
.chg{display:block;font-size:11px;color:var(--muted)}
.card .chg{font-size:12px}
.chg.bad{color:var(--crit)}
.chg.good{color:var(--ok)}
.hi-warn{color:var(--warn);font-weight:600}
.hi-crit{color:var(--crit);font-weight:700}
ul.verdicts{list-style:none;padding:0;margin:0}
ul.verdicts li{padding:6px 10px;margin:4px 0;border-radius:6px;background:var(--panel);overflow-wrap:anywhere}
.badge{display:inline-block;min-width:44px;text-align:center;font-size:11px;font-weight:700;border-radius:4px;padding:1px 6px;margin-right:8px;color:#fff}
.badge.CRIT{background:var(--crit)}.badge.WARN{background:var(--warn)}.badge.OK{background:var(--ok)}.badge.INFO{background:var(--l0)}
.legend{font-size:12px;color:var(--muted);margin:2px 0 4px}
.legend span{display:inline-block;margin-right:14px}
.legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px;vertical-align:-1px}
.chart{width:100%;height:auto;display:block}
.chart .grid{stroke:var(--line);stroke-width:1}
.chart .tick{fill:var(--muted);font-size:11px}
.chart .rule{stroke:var(--crit);stroke-width:1;stroke-dasharray:4 3}
.chart .rule-label{fill:var(--crit);font-size:11px}
.chart .line{stroke-width:2}
.chart .span-WARN{fill:var(--warn)}.chart .span-CRIT{fill:var(--crit)}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(420px,100%),1fr));gap:16px}
.grid2>div{min-width:0}
.stack>div{min-width:0}
.c-delivered{fill:var(--delivered);background:var(--delivered)}
.c-deferred{fill:var(--deferred);background:var(--deferred)}
.c-bounced{fill:var(--bounced);background:var(--bounced)}
.c-line0{stroke:var(--l0);fill:var(--l0);background:var(--l0)}.c-line1{stroke:var(--l1);fill:var(--l1);background:var(--l1)}
.c-line2{stroke:var(--l2);fill:var(--l2);background:var(--l2)}.c-line3{stroke:var(--l3);fill:var(--l3);background:var(--l3)}
.c-line4{stroke:var(--l4);fill:var(--l4);background:var(--l4)}.c-line5{stroke:var(--l5);fill:var(--l5);background:var(--l5)}
path.line{fill:none}
svg.spark{display:block}
svg.spark path{fill:var(--l0);fill-opacity:.35;stroke:var(--l0);stroke-width:1}
svg.spark.def path{fill:var(--deferred);stroke:var(--warn)}
table.narrow{width:auto}
svg.lat{display:block}
svg.lat .axis{stroke:var(--line)}
svg.lat .span{fill:var(--l5);fill-opacity:.45}
svg.lat .p50{fill:var(--l0)}
svg.lat .p90{fill:var(--l4)}
footer{margin-top:32px;font-size:12px;color:var(--muted)}
@media print{nav{display:none}th{position:static}}
`;
