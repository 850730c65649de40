/**
 * Styles of the community pages — accounts and settings, upvote buttons,
 * comment threads, the submit form — appended to app.css (one stylesheet,
 * one request). The palette is app-css.ts's variables, so both themes and
 * their contrast hold. Non-goals: anything the list and paper pages already style.
 */
export const COMMUNITY_CSS = String.raw`
.account-nav{display:flex;gap:.75rem;font-size:.95rem}
.account-nav a{color:var(--text);text-decoration:none}
.account-nav a:hover{color:var(--accent);text-decoration:underline}
.account{max-width:40rem}
.stack{display:grid;gap:.75rem;max-width:26rem;margin:1rem 0}
.stack input{width:100%}
.row{display:flex;flex-wrap:wrap;gap:.6rem;align-items:flex-end;margin:1rem 0}
form.inline{display:inline}
.panel{border:1px solid var(--border);border-radius:.75rem;padding:.85rem 1rem;background:var(--surface);margin:1rem 0}
.panel h2{margin-top:0}
.error{border-left:4px solid #b91c1c;padding:.4rem .75rem;background:var(--card)}
.note{border-left:4px solid var(--accent);padding:.4rem .75rem;background:var(--card)}
.ok{color:#15803d;font-weight:600}
.warn{color:#b45309;font-weight:600}
:root[data-theme=dark] .ok{color:#86efac}
:root[data-theme=dark] .warn{color:#fcd34d}
@media (prefers-color-scheme: dark){:root:not([data-theme=light]) .ok{color:#86efac}:root:not([data-theme=light]) .warn{color:#fcd34d}}
button.danger{color:#b91c1c;border-color:#b91c1c;background:var(--card)}
.danger-link{color:#b91c1c}
:root[data-theme=dark] button.danger,:root[data-theme=dark] .danger-link{color:#fca5a5;border-color:#fca5a5}
@media (prefers-color-scheme: dark){:root:not([data-theme=light]) button.danger,:root:not([data-theme=light]) .danger-link{color:#fca5a5;border-color:#fca5a5}}
.new-token pre{overflow-x:auto;background:var(--card);border:1px solid var(--border);border-radius:.4rem;padding:.5rem}
table.tokens,table.users{border-collapse:collapse;width:100%;font-size:.9rem;margin:.5rem 0}
table.tokens th,table.tokens td,table.users th,table.users td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid var(--border);overflow-wrap:anywhere}
/* upvote controls: the card's box as a button or a log-in link */
.card form.votes,.card a.votes{border:0;padding:0;background:none}
.card a.votes,.votes button{display:flex;flex-direction:column;align-items:center;min-width:3rem;padding:.35rem .25rem;border:1px solid var(--border);border-radius:.5rem;background:var(--surface);color:var(--text);font-weight:700;text-decoration:none;line-height:1.3}
.votes small{font-weight:400;color:var(--muted);font-size:.75rem}
.votes button[aria-pressed=true]{border-color:var(--accent);color:var(--accent);background:var(--accent-bg)}
.votes button:hover,.card a.votes:hover{border-color:var(--accent)}
form.votes.big,a.votes.big{display:inline-block;vertical-align:middle}
.votes.big button,a.votes.big{flex-direction:row;gap:.4rem;padding:.3rem .8rem;align-items:baseline}
a.votes.big{display:inline-flex;border:1px solid var(--border);border-radius:.5rem;background:var(--surface);color:var(--text);font-weight:700;text-decoration:none}
/* discussion */
.discussion{margin-top:2rem}
ol.comments{list-style:none;margin:.5rem 0;padding:0}
ol.comments ol.comments{margin-left:.9rem;padding-left:.8rem;border-left:2px solid var(--border)}
.comment{margin:.6rem 0}
.comment article{background:var(--card);border:1px solid var(--border);border-radius:.6rem;padding:.55rem .8rem}
.comment-meta{margin:0 0 .3rem;font-size:.85rem;color:var(--muted)}
.comment-meta a{color:var(--muted)}
.comment-body{overflow-wrap:anywhere}
.comment-body p{margin:.3rem 0}
.comment-body pre{overflow-x:auto;background:var(--surface);padding:.5rem;border-radius:.4rem}
.comment-body blockquote{margin:.3rem 0;padding-left:.7rem;border-left:3px solid var(--border);color:var(--muted)}
.comment-body.is-hidden{border:1px dashed var(--border);padding:.3rem .5rem;opacity:.8}
.comment-actions{display:flex;flex-wrap:wrap;gap:.2rem 1rem;align-items:flex-start;font-size:.85rem;margin-top:.3rem}
details.comment-action summary{cursor:pointer;color:var(--accent)}
details.comment-action[open]{flex-basis:100%}
.comment-form{display:grid;gap:.4rem;margin:.5rem 0;max-width:40rem}
.comment-form textarea{width:100%;font:inherit;color:var(--text);background:var(--card);border:1px solid var(--border);border-radius:.4rem;padding:.45rem .55rem;resize:vertical}
.comment-form button{justify-self:start}
/* profiles */
.profile-head .badge{text-transform:capitalize}
ol.profile-comments{list-style:none;margin:0;padding:0;display:grid;gap:.6rem}
ol.profile-comments li{background:var(--card);border:1px solid var(--border);border-radius:.6rem;padding:.5rem .8rem}
ol.profile-comments p{margin:.25rem 0 0;overflow-wrap:anywhere}
.comment-meta strong a{color:var(--text);text-decoration:none}
.comment-meta strong a:hover{color:var(--accent);text-decoration:underline}
/* moderation */
ol.moderation-queue{list-style:none;margin:0;padding:0}
ol.moderation-queue ul{margin:.4rem 0;padding-left:1.2rem;font-size:.9rem}
/* reading lists */
ul.in-lists{list-style:none;margin:0 0 .5rem;padding:0;display:grid;gap:.3rem;font-size:.9rem}
ul.reading-lists{padding-left:1.2rem}
ol.reading-list{padding-left:1.4rem;display:grid;gap:.5rem}
ol.reading-list .muted{display:block;font-size:.875rem}
/* paper tools: report, claim, organization, admin curation */
details.tool{margin:.4rem 0;font-size:.9rem}
details.tool summary{cursor:pointer;color:var(--accent)}
details.tool .stack,details.tool .row{margin:.5rem 0}
p.tool{font-size:.9rem;margin:.4rem 0}
ul.curate-entries{list-style:none;margin:.3rem 0;padding:0;display:grid;gap:.5rem}
ul.curate-entries .row{margin:.25rem 0}
a.claimed-author{font-weight:600}
/* organizations */
.org-follow{align-self:center}
ul.members{padding-left:1.2rem}
/* followed organizations on the daily lists */
.card.followed{border-color:var(--accent)}
.following-tag{font-size:.75rem;font-weight:600;color:var(--accent);border:1px solid var(--accent);border-radius:999px;padding:0 .45rem}
/* For you */
.for-you{margin:0 0 1.5rem}
.for-you .because{font-size:.85rem;color:var(--muted);margin:.1rem 0 0}
`;
