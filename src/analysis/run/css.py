"""The style sheet of every page the run writes: reports, landing pages, run page.

Screen: a readable column, tables scrolling inside their own wrapper on a
small screen. Print (A4, Chromium): a heading stays with what follows it, a
chart or a short table is never split, a long table breaks between rows with
its header repeated, nothing is wider than the page.
"""

from __future__ import annotations

CSS = """
:root { --ink: #1d2733; --muted: #4f5b69; --rule: #c9d1da; --accent: #0b4f8a; --soft: #eef2f6; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: var(--ink);
       margin: 0 auto; max-width: 1000px; padding: 1rem 1.5rem 2rem; line-height: 1.45; font-size: 15px; }
a { color: var(--accent); }
nav.oas-bar { display: flex; flex-wrap: wrap; gap: .3rem 1.2rem; align-items: baseline; font-size: .9rem;
              border-bottom: 1px solid var(--rule); padding: .3rem 0 .5rem; margin-bottom: .8rem; }
nav.oas-bar ul { list-style: none; display: flex; flex-wrap: wrap; gap: .3rem .9rem; margin: 0; padding: 0; }
nav.oas-bar .langs { margin-left: auto; }
nav.oas-bar [aria-current] { font-weight: bold; color: var(--ink); text-decoration: none; }
header.oas-header { border-bottom: 3px solid var(--accent); margin-bottom: 1rem; padding-bottom: .6rem; }
header.oas-header .program { font-size: .85rem; color: var(--muted); margin: 0 0 .3rem; }
header.oas-header h1 { margin: 0 0 .4rem; font-size: 1.6rem; color: var(--accent); }
header.oas-header dl { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; margin: 0;
                       font-size: .85rem; }
header.oas-header dt { color: var(--muted); }
header.oas-header dd { margin: 0; }
nav.oas-toc { border: 1px solid var(--rule); padding: .5rem 1rem; margin-bottom: 1.2rem; font-size: .9rem; }
nav.oas-toc h2 { font-size: 1rem; margin: .2rem 0; }
nav.oas-toc ol { margin: 0; padding-left: 1.4rem; counter-reset: toc; list-style: none; }
nav.oas-toc li { counter-increment: toc; }
nav.oas-toc li::before { content: counters(toc, ".") ". "; color: var(--muted); }
nav.oas-toc ol.own-numbers li::before { content: none; }
.oas-table-wrap { max-width: 100%; overflow-x: auto; }
table { border-collapse: collapse; margin: .6rem 0; font-size: .85rem; }
th, td { border: 1px solid var(--rule); padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: var(--soft); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.anchor-link { display: none; }
.jp-OutputArea-output pre, pre { white-space: pre-wrap; }
.oas-chart { margin: .8rem 0; max-width: 100%; }
.oas-chart .plotly-graph-div { max-width: 100%; }
/* A chart takes the column's full width (a browser's default figure margin of 40 px a side cut titles,
   legends and labels at the right on a 390-px phone); its caption reads as a note under it. */
figure.oas-figure { margin: .8rem 0; max-width: 100%; overflow: hidden; }
figure.oas-figure figcaption { font-size: .85rem; color: var(--muted); }
@media screen and (max-width: 480px) { body { padding: .6rem .7rem 1.5rem; } }
ul.oas-reports { list-style: none; padding: 0; }
ul.oas-reports li { padding: .5rem 0; border-bottom: 1px solid var(--rule); }
ul.oas-reports .counts { display: block; color: var(--muted); font-size: .88rem; }
ul.oas-reports .title { font-weight: bold; }
.status-failed .status { color: #a40000; font-weight: bold; }
.status-ok .status { color: #176b2c; }
.modebar, .modebar-container { display: none !important; }
section.oas-cover { display: none; }
@page { size: A4; margin: 16mm 14mm 18mm 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  nav.oas-bar, nav.oas-toc { display: none; }
  a { color: inherit; text-decoration: none; }
  img, svg, .oas-chart, .plotly-graph-div, table { max-width: 100% !important; }
  .oas-chart, figure, .oas-keep, table.oas-short { break-inside: avoid; page-break-inside: avoid; }
  /* A long table breaks, never inside a row, and its header repeats. */
  table { width: 100%; font-size: 8.5pt; }
  .oas-table-wrap { overflow: visible; }
  thead { display: table-header-group; }
  tr, td, th { break-inside: avoid; page-break-inside: avoid; }
  th, td { padding: .15rem .3rem; overflow-wrap: anywhere; }
  .jp-OutputArea-output, .jp-RenderedHTMLCommon { overflow: visible !important; padding: 0 !important; }
  h1, h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  /* A lead-in line ("Note on the data") stays with the list it introduces; a short item is never split. */
  .oas-notes > p, p:has(+ ul), p:has(+ ol), .oas-keep:has(+ ul), .oas-keep:has(+ ol) {
    break-after: avoid; page-break-after: avoid; }
  .oas-notes li, ol.oas-sources li { break-inside: avoid; page-break-inside: avoid; }
  p, li { orphans: 2; widows: 2; }
  .oas-keep > :first-child { break-after: avoid; }
  header.oas-header { display: none; }
  section.oas-cover { display: flex; flex-direction: column; justify-content: space-between;
                      height: 240mm; break-after: page; page-break-after: always; }
  section.oas-cover .program { font-size: 12pt; color: var(--muted); border-bottom: 3px solid var(--accent);
                               padding-bottom: 6mm; }
  section.oas-cover .oas-cover-title { font-weight: bold; font-size: 26pt; color: var(--accent); margin: 0 0 8mm; }
  section.oas-cover dl { display: grid; grid-template-columns: max-content 1fr; gap: 2mm 8mm; font-size: 12pt; }
  section.oas-cover dt { color: var(--muted); }
  section.oas-cover dd { margin: 0; }
  section.oas-cover .note { font-size: 9.5pt; color: var(--muted); }
}
"""
