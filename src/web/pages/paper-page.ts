/**
 * The paper page (`/papers/{id}`): title, authors with affiliations,
 * abstract, dates and versions, categories, links (arXiv abstract, PDF, DOI,
 * GitHub, project page), upvotes, the daily lists it was on, similar papers,
 * a "Cite" box with BibTeX (a <details> block; a copy button with JS), and
 * the meta tags that make a shared link look right (Open Graph, Twitter,
 * Highwire `citation_*` for reference managers, canonical, Markdown alternate);
 * the paper's picture under the header (its thumbnail or the generated
 * placeholder, with width and height; not lazy: it is above the fold) and the
 * organization's and submitters' avatars.
 *
 * The upvote control and the discussion are web/community/'s.
 */
import { imageSrc, THUMB_HEIGHT, THUMB_WIDTH, type ImagePolicy } from '../images.js';
import { avatar, keywordTags, thumbnailSrc } from './paper-card.js';
import { paperLinks, type Paper } from '../../domain/paper.js';
import type { PaperDetail } from '../../store/store.js';
import { html, raw, type SafeHtml } from '../../html/html.js';
import { layout } from './layout.js';
import type { PageContext } from './page-context.js';
import { bibtex } from './bibtex.js';
import { voteControl, type VoteState } from '../community/vote-control.js';
import { profilePath } from '../community/profile-path.js';
import {
  compactNumber, formatDay, githubUrl, orgPath, paperPath, plural, safeUrl, truncate,
} from './format.js';

/** Characters of the abstract in og:description / meta description (most previews cut near 200). */
const DESCRIPTION_CHARS = 200;

function metaTags(p: Paper, canonical: string, description: string): SafeHtml {
  const links = paperLinks(p);
  const og = (prop: string, content: string) => html`<meta property="${prop}" content="${content}">\n`;
  const named = (name: string, content: string) => html`<meta name="${name}" content="${content}">\n`;
  return html`${og('og:type', 'article')}${og('og:site_name', 'paperboy')}${og('og:title', p.title)}${og('og:description', description)}${og('og:url', canonical)}${named('twitter:card', 'summary')}${named('twitter:title', p.title)}${named('twitter:description', description)}${named('citation_title', p.title)}${p.authors.map((a) => named('citation_author', a.name))}${p.publishedAt ? named('citation_publication_date', p.publishedAt.slice(0, 10).replace(/-/g, '/')) : ''}${p.arxivId ? named('citation_arxiv_id', p.arxivId) : ''}${links.pdf ? named('citation_pdf_url', links.pdf) : ''}${p.doi ? named('citation_doi', p.doi) : ''}`;
}

function authorsBlock(p: Paper, links: Map<string, string> | undefined): SafeHtml {
  if (p.authors.length === 0) {
    return p.authorCount > 0 ? html`<p class="authors muted">${plural(p.authorCount, 'author')} (names not known yet)</p>` : html``;
  }
  // An author who claimed the name (approved by an admin) links to their profile.
  const name = (n: string) => {
    const user = links?.get(n);
    return user ? html`<a href="${profilePath(user)}" class="claimed-author">${n}</a>` : html`<span>${n}</span>`;
  };
  return html`<p class="authors">${p.authors.map((a, i) => html`${i > 0 ? ', ' : ''}${name(a.name)}${a.affiliations.length ? html` <span class="muted">(${a.affiliations.join('; ')})</span>` : ''}`)}</p>`;
}

function linkList(p: Paper): SafeHtml {
  const l = paperLinks(p);
  const gh = githubUrl(p.githubRepo);
  const project = safeUrl(p.projectPage);
  const items: SafeHtml[] = [];
  if (l.abs) items.push(html`<li><a href="${l.abs}" rel="noopener">arXiv page</a></li>`);
  if (l.pdf) items.push(html`<li><a href="${l.pdf}" rel="noopener">PDF</a></li>`);
  if (l.doi) items.push(html`<li><a href="${l.doi}" rel="noopener">DOI</a></li>`);
  if (gh) items.push(html`<li><a href="${gh}" rel="noopener">GitHub${p.githubStars !== null ? ` ★ ${compactNumber(p.githubStars)}` : ''}</a></li>`);
  if (project) items.push(html`<li><a href="${project}" rel="noopener">Project page</a></li>`);
  // A paper known only by its title (the seed listing, the demo): the way to its arXiv page is a title search.
  if (!p.arxivId && p.title) {
    items.push(html`<li><a href="${`https://arxiv.org/search/?searchtype=title&query=${encodeURIComponent(p.title)}`}" rel="noopener">Find on arXiv</a></li>`);
  }
  return items.length ? html`<ul class="links" aria-label="Links">${items}</ul>` : html``;
}

function facts(d: PaperDetail, images?: ImagePolicy): SafeHtml {
  const p = d.paper;
  const rows: [string, SafeHtml | string][] = [];
  if (p.publishedAt) rows.push(['Published', formatDay(p.publishedAt)]);
  if (p.updatedAt && p.updatedAt.slice(0, 10) !== p.publishedAt?.slice(0, 10)) rows.push(['Updated', formatDay(p.updatedAt)]);
  if (p.versions.length > 1 || (p.versions.length === 1 && p.versions[0].date)) {
    rows.push(['Versions', html`${p.versions.map((v, i) => html`${i > 0 ? ', ' : ''}v${v.version}${v.date ? ` (${formatDay(v.date)})` : ''}`)}`]);
  } else if (p.version) rows.push(['Version', `v${p.version}`]);
  if (p.categories.length) {
    const cats = [...p.categories].sort((a, b) => (a === p.primaryCategory ? -1 : b === p.primaryCategory ? 1 : 0));
    rows.push(['Categories', html`${cats.map((c, i) => html`${i > 0 ? ', ' : ''}<a href="${`/papers?category=${encodeURIComponent(c)}`}">${c}</a>`)}`]);
  }
  if (p.arxivId) rows.push(['arXiv id', `${p.arxivId}${p.version ? `v${p.version}` : ''}`]);
  if (p.journalRef) rows.push(['Journal', p.journalRef]);
  if (p.comments) rows.push(['Comments', p.comments]);
  if (p.submitter) rows.push(['arXiv submitter', p.submitter]);
  const license = safeUrl(p.license);
  if (p.license) rows.push(['License', license ? html`<a href="${license}" rel="noopener license">${p.license}</a>` : p.license]);
  if (d.daily.length) {
    rows.push(['Daily list', html`${d.daily.map((e, i) => html`${i > 0 ? ', ' : ''}<a href="${`/papers/date/${e.day}`}">${formatDay(e.day)}</a>${e.submittedBy ? html` (submitted by ${images ? avatar(imageSrc(images, e.submittedBy.avatarUrl), 16) : ''}${e.submittedBy.fullname || e.submittedBy.user})` : ''}`)}`]);
  }
  return html`<dl class="facts">${rows.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`;
}

export interface PaperPageData {
  detail: PaperDetail;
  /** Similar papers when already known; null renders a link (and, with JS, a fetch) to /papers/{id}/similar. */
  similar: Paper[] | null;
  publicUrl: string;
  /** How pictures are shown (config.images); without it, none. */
  images?: ImagePolicy;
  /** The visitor's upvote control (absent: the count alone). */
  vote?: VoteState;
  /** The discussion section (web/community/comments-view.ts), under the abstract. */
  comments?: SafeHtml;
  /** The visitor's reading-lists box (web/community/reading-list-routes.ts), in the aside. */
  lists?: SafeHtml | null;
  /** The signed-in visitor's community tools (report, claim, link, curate: web/community/paper-tools.ts), in the aside. */
  tools?: SafeHtml | null;
  /** Author names approved as users' (author name → username), linked to their profiles. */
  authorLinks?: Map<string, string>;
}

/** The similar-papers list (also served alone as the /papers/{id}/similar?fragment=1 fragment). */
export function similarList(similar: Paper[]): SafeHtml {
  if (similar.length === 0) return html`<p class="muted">None found yet.</p>`;
  return html`<ul class="similar">${similar.map((s) => html`<li><a href="${paperPath(s.id)}">${s.title || s.id}</a>${s.publishedAt ? html` <span class="muted">· ${formatDay(s.publishedAt)}</span>` : raw('')}</li>`)}</ul>`;
}

/** Keywords a paper page offers as digest topics (the subscribe form's keyword field, prefilled). */
const DIGEST_KEYWORDS = 3;

export function renderPaperPage(data: PaperPageData, ctx: PageContext): string {
  const { detail, similar, publicUrl, images } = data;
  const p = detail.paper;
  const path = paperPath(p.id);
  const canonical = publicUrl + path;
  const description = truncate(p.abstract.replace(/\s+/g, ' ').trim(), DESCRIPTION_CHARS) || p.title;
  const entry = detail.daily[0] ?? null;
  const upvotes = detail.upvotes;
  const orgName = detail.org?.name ?? p.organization;
  const cite = bibtex(p, publicUrl);
  const body = html`<article class="paper-grid">
<div>
<header class="paper-head">
<h1>${p.title || p.id}</h1>
${authorsBlock(p, data.authorLinks)}
<p class="meta">
${data.vote ? voteControl(p.id, upvotes, data.vote, true) : html`<span class="upvote-box"><span aria-hidden="true">▲</span> ${plural(upvotes, 'upvote')}</span>`}
${entry || detail.numComments ? html` <span class="muted">${plural(detail.numComments, 'comment')}</span>` : ''}
${orgName ? html` <a class="badge" href="${orgPath(orgName)}">${images ? avatar(imageSrc(images, detail.org?.avatarUrl), 18) : ''}${detail.org?.fullname || orgName}</a>` : ''}
</p>
${linkList(p)}
</header>
${images ? html`<figure class="paper-thumb"><img src="${thumbnailSrc(p, images)}" alt="${p.thumbnail && images.mode !== 'off' ? `Figure of the paper “${p.title}”` : `Placeholder picture for “${p.title}”`}" width="${THUMB_WIDTH}" height="${THUMB_HEIGHT}" decoding="async"></figure>` : ''}
<section aria-labelledby="abstract-h">
<h2 id="abstract-h">Abstract</h2>
<p class="abstract">${p.abstract || 'No abstract available.'}</p>
</section>
${p.aiSummary ? html`<section aria-labelledby="summary-h"><h2 id="summary-h">${p.extracted?.summary ? 'TL;DR' : 'AI summary'}</h2><p>${p.aiSummary}</p>${p.extracted?.summary ? html`<p class="muted small">A sentence chosen from the abstract.</p>` : ''}</section>` : ''}
${p.aiKeywords.length ? html`<section aria-labelledby="keywords-h"><h2 id="keywords-h">Keywords</h2>${keywordTags(p)}<p class="muted small">${p.extracted?.keywords ? 'Extracted from the title and abstract. ' : ''}<a href="${`/subscribe?keywords=${encodeURIComponent(p.aiKeywords.slice(0, DIGEST_KEYWORDS).join(', '))}`}">Get papers on these topics by email</a></p></section>` : ''}
<details class="cite">
<summary>Cite this paper (BibTeX)</summary>
<pre id="bibtex"><code>${cite}</code></pre>
<button type="button" class="copy" data-copy="bibtex">Copy BibTeX</button>
</details>
<p class="muted"><a href="${path + '.md'}" type="text/markdown">View as Markdown</a></p>
${data.comments ?? ''}
</div>
<aside aria-label="About this paper">
<section aria-labelledby="details-h"><h2 id="details-h">Details</h2>${facts(detail, images)}</section>
${data.lists ?? ''}
${data.tools ?? ''}
<section aria-labelledby="similar-h"><h2 id="similar-h">Similar papers</h2>
${similar ? similarList(similar) : html`<div data-similar="${path + '/similar?fragment=1'}"><a href="${path + '/similar'}">Show similar papers</a></div>`}
</section>
</aside>
</article>`;
  return layout({
    title: p.title || p.id,
    description,
    canonical,
    alternates: [{ type: 'text/markdown', title: 'This paper as Markdown', href: path + '.md' }],
    head: metaTags(p, canonical, description),
    body,
    theme: ctx.theme,
    user: ctx.user,
    path: ctx.path,
    demo: ctx.demo,
  });
}
