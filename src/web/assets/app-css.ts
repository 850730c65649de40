/**
 * The site's one stylesheet, served at /assets/app.css?v=<hash>.
 *
 * Goals: a small, framework-free sheet: light and dark themes (the OS setting
 * via prefers-color-scheme, overridden by `<html data-theme>` from the theme
 * cookie), responsive from 320 px phones to desktops, visible keyboard focus,
 * WCAG AA contrast in both themes. Kept in a .ts module so the build (tsc)
 * ships it with the code, with no copy step. Non-goals: a design system.
 *
 * Contrast (checked against the background they sit on): light text
 * #111827/#fff 17:1, muted #4b5563/#fff 7.6:1, accent #3730a3/#fff 10:1;
 * dark text #e5e7eb/#0f172a 14:1, muted #a3adbd/#1e293b 6.6:1, accent
 * #a5b4fc/#0f172a 9:1.
 */
export const APP_CSS = String.raw`
:root{
  --bg:#ffffff;--surface:#f8fafc;--card:#ffffff;--border:#e2e8f0;--text:#111827;--muted:#4b5563;
  --accent:#3730a3;--accent-bg:#eef2ff;--mark-bg:#fde68a;--mark-text:#111827;--focus:#2563eb;
  --badge-bg:#f1f5f9;--shadow:0 1px 2px rgba(15,23,42,.06);color-scheme:light;
}
@media (prefers-color-scheme: dark){
  :root:not([data-theme=light]){
    --bg:#0f172a;--surface:#111827;--card:#1e293b;--border:#334155;--text:#e5e7eb;--muted:#a3adbd;
    --accent:#a5b4fc;--accent-bg:#1e1b4b;--mark-bg:#854d0e;--mark-text:#fef9c3;--focus:#93c5fd;
    --badge-bg:#273449;--shadow:none;color-scheme:dark;
  }
}
:root[data-theme=dark]{
  --bg:#0f172a;--surface:#111827;--card:#1e293b;--border:#334155;--text:#e5e7eb;--muted:#a3adbd;
  --accent:#a5b4fc;--accent-bg:#1e1b4b;--mark-bg:#854d0e;--mark-text:#fef9c3;--focus:#93c5fd;
  --badge-bg:#273449;--shadow:none;color-scheme:dark;
}
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--text);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
a{color:var(--accent)}
a:hover{text-decoration-thickness:2px}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px;border-radius:3px}
mark{background:var(--mark-bg);color:var(--mark-text);padding:0 .1em;border-radius:2px}
.skip{position:absolute;left:-999px;top:.5rem;background:var(--card);color:var(--text);padding:.5rem 1rem;z-index:10;border:2px solid var(--focus)}
.skip:focus{left:.5rem}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.wrap{max-width:72rem;margin:0 auto;padding:0 1rem}
/* header */
.site-header{border-bottom:1px solid var(--border);background:var(--surface)}
.site-header .wrap{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1rem;padding-top:.6rem;padding-bottom:.6rem}
.brand{font-weight:700;font-size:1.15rem;color:var(--text);text-decoration:none;margin-right:auto}
.brand span{color:var(--accent)}
.site-nav ul{display:flex;gap:.25rem 1rem;list-style:none;margin:0;padding:0;flex-wrap:wrap}
.site-nav a{color:var(--text);text-decoration:none;padding:.25rem 0}
.site-nav a:hover,.site-nav a[aria-current=page]{color:var(--accent);text-decoration:underline}
.header-search{display:flex;gap:.25rem;flex:1 1 15rem;max-width:26rem}
input,select,button{font:inherit;color:var(--text);background:var(--card);border:1px solid var(--border);border-radius:.4rem;padding:.35rem .55rem}
input[type=search],input[type=email]{flex:1;min-width:0}
button,.button{cursor:pointer;background:var(--accent-bg);color:var(--accent);border-color:var(--accent);font-weight:600;text-decoration:none;display:inline-block;border-radius:.4rem;padding:.35rem .7rem;border-width:1px;border-style:solid}
.theme-switch{display:flex;gap:.15rem;margin:0}
.theme-switch button{background:transparent;color:var(--muted);border-color:transparent;padding:.2rem .45rem;font-weight:400}
.theme-switch button[aria-pressed=true]{color:var(--accent);border-color:var(--border);background:var(--card)}
/* demo banner: amber, both themes (text #78350f/#fffbeb 9.6:1; dark #fde68a/#422006 11:1) */
.demo-banner{background:#fffbeb;color:#78350f;border-bottom:1px solid #fcd34d;font-size:.9rem}
.demo-banner .wrap{padding-top:.5rem;padding-bottom:.5rem}
.demo-banner code{font-size:.85em;background:rgba(120,53,15,.08);padding:0 .25em;border-radius:3px}
:root[data-theme=dark] .demo-banner{background:#422006;color:#fde68a;border-color:#854d0e}
@media (prefers-color-scheme: dark){:root:not([data-theme=light]) .demo-banner{background:#422006;color:#fde68a;border-color:#854d0e}}
main{display:block;padding:1.25rem 0 2.5rem}
h1{font-size:1.6rem;line-height:1.25;margin:.25rem 0 .75rem}
h2{font-size:1.2rem;margin:1.5rem 0 .6rem}
h3{font-size:1.05rem;margin:0 0 .35rem;line-height:1.35}
.card-title{font-size:1.05rem;margin:0 0 .3rem;line-height:1.35;overflow-wrap:anywhere}
.muted{color:var(--muted)}
/* list header: date + prev/next + period switch */
.list-head{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:.75rem;margin-bottom:1rem}
.org-avatar{vertical-align:middle;border-radius:8px;margin-right:.5rem}
.period-nav{display:flex;align-items:center;gap:.5rem}
.period-nav .arrow{display:inline-flex;align-items:center;justify-content:center;width:2.2rem;height:2.2rem;border:1px solid var(--border);border-radius:50%;text-decoration:none;background:var(--card);color:var(--text)}
.period-nav .arrow[aria-disabled=true]{opacity:.45}
.period-nav .current{font-weight:600;min-width:9rem;text-align:center}
/* cards */
.cards{list-style:none;margin:0;padding:0;display:grid;gap:.9rem;grid-template-columns:1fr}
@media (min-width:52rem){.cards{grid-template-columns:1fr 1fr}}
@media (min-width:72rem){.cards.wide{grid-template-columns:1fr 1fr 1fr}}
.card{background:var(--card);border:1px solid var(--border);border-radius:.75rem;padding:.85rem 1rem;display:flex;gap:.85rem;box-shadow:var(--shadow);min-width:0}
/* pictures: the box is reserved from width/height (aspect-ratio), so nothing moves when they load */
.card.has-thumb{flex-wrap:wrap}
.card .thumb{flex:1 0 100%;display:block;margin:-.1rem 0 .1rem}
.card .thumb img,.paper-thumb img{display:block;width:100%;height:auto;aspect-ratio:1200/648;object-fit:cover;border-radius:.5rem;background:var(--surface);border:1px solid var(--border)}
.paper-thumb{margin:0 0 1rem}
img.avatar{display:inline-block;vertical-align:-3px;border-radius:50%;margin-right:.3rem;object-fit:cover;background:var(--surface)}
.card .votes{flex:none;display:flex;flex-direction:column;align-items:center;justify-content:flex-start;min-width:3rem;padding:.35rem .25rem;border:1px solid var(--border);border-radius:.5rem;height:max-content;background:var(--surface);font-weight:700}
.card .votes small{font-weight:400;color:var(--muted);font-size:.75rem}
.card .body{min-width:0;flex:1}
.card-title a{color:var(--text);text-decoration:none}
.card-title a:hover{color:var(--accent);text-decoration:underline}
.card .authors,.card .meta{font-size:.875rem;color:var(--muted);margin:.15rem 0;overflow-wrap:anywhere}
.card .meta{display:flex;flex-wrap:wrap;gap:.2rem .9rem}
.card .snippet{font-size:.9rem;margin:.35rem 0 0;overflow-wrap:anywhere}
.tldr{font-size:.9rem;margin:.35rem 0 0;overflow-wrap:anywhere}
.card .tldr{display:-webkit-box;-webkit-line-clamp:3;-webkit-box-orient:vertical;overflow:hidden}
.tldr-label{font-size:.7rem;font-weight:700;text-transform:uppercase;letter-spacing:.03em;color:var(--muted);text-decoration:none;margin-right:.2rem}
.tags{list-style:none;display:flex;flex-wrap:wrap;gap:.3rem;margin:.45rem 0 0;padding:0}
.tags a{display:inline-block;font-size:.75rem;line-height:1.5;padding:0 .5rem;border-radius:999px;background:var(--surface);border:1px solid var(--border);color:var(--muted);text-decoration:none;overflow-wrap:anywhere}
.tags a:hover{color:var(--accent);border-color:var(--accent)}
.small{font-size:.8rem}
.badge{display:inline-block;font-size:.8rem;padding:.05rem .5rem;border-radius:999px;background:var(--badge-bg);color:var(--text);text-decoration:none;border:1px solid var(--border)}
a.badge:hover{color:var(--accent)}
.pager{display:flex;justify-content:space-between;align-items:center;gap:1rem;margin:1.5rem 0 0}
.empty{padding:2rem 1rem;text-align:center;border:1px dashed var(--border);border-radius:.75rem;color:var(--muted)}
/* subscribe box */
.subscribe{margin-top:2rem;padding:1rem;border:1px solid var(--border);border-radius:.75rem;background:var(--surface)}
.subscribe h2{margin-top:0}
/* fieldsets of the subscribe and manage forms: no browser frame, even spacing between choices */
fieldset.field{border:0;padding:0;margin:0 0 1.1rem;min-width:0}
fieldset.field legend{font-weight:600;padding:0;margin:0 0 .4rem}
fieldset.field > label{display:flex;align-items:center;gap:.5rem;padding:.2rem 0}
fieldset.field input[type=radio]{margin:0;flex:none;width:1rem;height:1rem}
fieldset.field .field{margin-bottom:.6rem}
.subscribe form{display:flex;flex-wrap:wrap;gap:.5rem;align-items:flex-end}
.field{display:flex;flex-direction:column;gap:.2rem;font-size:.875rem}
.field.grow{flex:1 1 14rem}
/* search */
.search-form{display:grid;gap:.6rem;grid-template-columns:1fr;margin-bottom:1rem;padding:1rem;border:1px solid var(--border);border-radius:.75rem;background:var(--surface)}
.search-form .row{display:flex;flex-wrap:wrap;gap:.6rem;align-items:flex-end}
.result-count{margin:.25rem 0 1rem;color:var(--muted)}
/* paper page */
.paper-head .authors{margin:.25rem 0 .75rem;overflow-wrap:anywhere}
.paper-head .authors sup{color:var(--muted)}
.paper-grid{display:grid;gap:1.5rem;grid-template-columns:1fr}
@media (min-width:60rem){.paper-grid{grid-template-columns:minmax(0,1fr) 18rem}}
.abstract{font-size:1.02rem;line-height:1.65;overflow-wrap:anywhere}
.facts{margin:0;display:grid;grid-template-columns:auto 1fr;gap:.3rem .9rem;font-size:.9rem}
.facts dt{color:var(--muted)}
.facts dd{margin:0;overflow-wrap:anywhere}
.links{list-style:none;padding:0;margin:.5rem 0;display:flex;flex-wrap:wrap;gap:.5rem}
.links a{display:inline-block;padding:.3rem .7rem;border:1px solid var(--border);border-radius:.4rem;text-decoration:none;background:var(--card)}
.upvote-box{display:inline-flex;align-items:center;gap:.4rem;font-weight:700;padding:.3rem .8rem;border:1px solid var(--border);border-radius:.5rem;background:var(--surface)}
aside section{border:1px solid var(--border);border-radius:.75rem;padding:.85rem 1rem;background:var(--surface);margin-bottom:1rem}
aside h2{font-size:1rem;margin:0 0 .5rem}
.similar{list-style:none;margin:0;padding:0;display:grid;gap:.6rem;font-size:.9rem}
details.cite{margin:1rem 0;border:1px solid var(--border);border-radius:.5rem;padding:.5rem .8rem;background:var(--surface)}
details.cite summary{cursor:pointer;font-weight:600}
details.cite pre{overflow-x:auto;font-size:.82rem;background:var(--card);padding:.6rem;border-radius:.4rem;border:1px solid var(--border);white-space:pre}
.copy{display:none}
.js .copy{display:inline-block}
.site-footer{border-top:1px solid var(--border);background:var(--surface);font-size:.875rem;color:var(--muted)}
.site-footer .wrap{padding-top:1rem;padding-bottom:1.5rem;display:flex;flex-wrap:wrap;gap:.5rem 1.25rem}
.error-page{text-align:center;padding:3rem 1rem}
.error-page .code{font-size:3rem;font-weight:800;color:var(--accent);margin:0}
@media (max-width:40rem){
  h1{font-size:1.35rem}
  /* phone header in three short rows: brand, account, theme · search · the lists */
  .site-header .wrap{gap:.35rem .6rem;padding-top:.4rem;padding-bottom:.45rem}
  .header-search{max-width:none;flex-basis:100%;order:3}
  /* room for the whole placeholder at 320–360 px: a slimmer button and box padding */
  .header-search button{padding:.3rem .5rem;font-size:.9rem}
  .header-search input{padding-left:.45rem;padding-right:.3rem}
  .site-nav{order:4;flex-basis:100%}
  .site-nav ul{justify-content:space-between;gap:0}
  .site-nav a{padding:.1rem 0;font-size:.95rem}
  .theme-switch button{padding:.1rem .35rem}
  .list-head{flex-direction:column;align-items:stretch}
  .period-nav{justify-content:space-between}
  .card{padding:.75rem}
}
@media (prefers-reduced-motion:no-preference){a,button{transition:color .1s,background-color .1s}}
`;
