/**
 * One paper as a card in a list (daily/weekly/monthly/trending, search
 * results, an organization's papers).
 *
 * Shows: the paper's picture (its thumbnail, or a generated placeholder;
 * lazy-loaded, with width and height so nothing moves when it arrives),
 * upvotes, title (link), authors (names, or "N authors" when only the
 * count is known), organization badge, comment count, submitter, date,
 * GitHub link and stars; for search results, the title and an abstract
 * snippet with matches marked, elsewhere the paper's one-line summary (the
 * source's ai_summary, or a TL;DR sentence of the abstract); its first
 * keywords as tags linking to a keyword: search; with `vote`, the upvote
 * control (a form for a signed-in visitor, a log-in link otherwise:
 * web/community/vote-control.ts).
 */
import type { DailyEntry, Organization, Paper } from '../../domain/paper.js';
import { html, raw, type SafeHtml } from '../../html/html.js';
import { imageSrc, placeholderPath, THUMB_HEIGHT, THUMB_WIDTH, type ImagePolicy } from '../images.js';
import { authorLine, compactNumber, formatDay, githubUrl, keywordPath, orgPath, paperPath, plural } from './format.js';
import { voteControl, type VoteState } from '../community/vote-control.js';

export interface CardInput {
  paper: Paper;
  /** The daily-list entry this card stands for (null for papers never on a daily list). */
  entry: DailyEntry | null;
  org: Organization | null;
  /** Counts to show when there is no entry (a paper never listed: its local votes and comments). */
  counts?: { upvotes: number; numComments: number };
}

export interface CardOptions {
  /** Title already highlighted (safe HTML); defaults to the escaped title. */
  titleHtml?: SafeHtml;
  /** Abstract snippet (safe HTML) shown under the meta line. */
  snippetHtml?: SafeHtml;
  /** Which date to show: the daily-list day (lists) or the publication date (search). */
  date?: 'day' | 'published';
  /** How pictures are shown (config.images); without it, no thumbnail or avatar is drawn. */
  images?: ImagePolicy;
  /** The visitor's upvote control; absent draws the count alone. */
  vote?: VoteState;
  /** The visitor follows the paper's organization: the card is marked. */
  followed?: boolean;
}

/** The card's picture: the paper's thumbnail (proxied, direct or none per the policy), else its placeholder. */
export function thumbnailSrc(paper: Paper, images: ImagePolicy): string {
  return imageSrc(images, paper.thumbnail) ?? placeholderPath(paper.id);
}

/** A small round avatar beside a name (decorative: the name is next to it). */
export function avatar(src: string | null, size: number): SafeHtml | '' {
  return src ? html`<img class="avatar" src="${src}" alt="" width="${size}" height="${size}" loading="lazy" decoding="async">` : '';
}

/** Keyword tags shown on a card (the paper page shows all). */
export const CARD_TAGS = 5;

/** Keywords as tags, each a link to the papers with that keyword; extracted ones say so in their title. */
export function keywordTags(paper: Paper, max = Infinity): SafeHtml | '' {
  const kws = paper.aiKeywords.slice(0, max);
  if (kws.length === 0) return '';
  const how = paper.extracted?.keywords ? 'Keywords extracted from the abstract' : 'Keywords';
  return html`<ul class="tags" aria-label="${how}">${kws.map((k) => html`<li><a href="${keywordPath(k)}">${k}</a></li>`)}</ul>`;
}

/** The one-line summary: the source's AI summary, or the TL;DR sentence chosen from the abstract (labelled as such). */
export function summaryLine(paper: Paper): SafeHtml | '' {
  if (!paper.aiSummary) return '';
  const label = paper.extracted?.summary ? 'TL;DR' : 'AI summary';
  const title = paper.extracted?.summary ? 'A sentence of the abstract' : 'Written by the source\'s model';
  return html`<p class="tldr"><abbr class="tldr-label" title="${title}">${label}</abbr> ${paper.aiSummary}</p>`;
}

export function paperCard(item: CardInput, o: CardOptions = {}): SafeHtml {
  const { paper, entry, org } = item;
  const upvotes = entry?.upvotes ?? item.counts?.upvotes ?? 0;
  const comments = entry?.numComments ?? item.counts?.numComments ?? 0;
  const authors = authorLine(paper);
  const orgName = org?.name ?? paper.organization;
  const submitter = entry?.submittedBy ? entry.submittedBy.fullname || entry.submittedBy.user : null;
  const date = o.date === 'published' ? paper.publishedAt ?? entry?.day : entry?.day ?? paper.publishedAt;
  const gh = githubUrl(paper.githubRepo);
  const img = o.images;
  // The picture repeats the title link: hidden from assistive tech and the tab order, alt="".
  const thumb = img
    ? html`<a class="thumb" href="${paperPath(paper.id)}" tabindex="-1" aria-hidden="true"><img src="${thumbnailSrc(paper, img)}" alt="" width="${THUMB_WIDTH}" height="${THUMB_HEIGHT}" loading="lazy" decoding="async"></a>
`
    : '';
  const orgAvatar = img ? avatar(imageSrc(img, org?.avatarUrl), 16) : '';
  const subAvatar = img ? avatar(imageSrc(img, entry?.submittedBy?.avatarUrl), 16) : '';
  return html`<li class="${`card${img ? ' has-thumb' : ''}${o.followed ? ' followed' : ''}`}">
${thumb}${o.vote ? voteControl(paper.id, upvotes, o.vote) : html`<div class="votes"><span aria-hidden="true">▲</span><span>${compactNumber(upvotes)}</span><small>${upvotes === 1 ? 'upvote' : 'upvotes'}</small></div>`}
<div class="body">
<h2 class="card-title"><a href="${paperPath(paper.id)}">${o.titleHtml ?? paper.title}</a></h2>
${authors ? html`<p class="authors">${authors}</p>` : ''}
<p class="meta">${o.followed ? html`<span class="following-tag" title="You follow this organization">Following</span>` : ''}${orgName ? html`<a class="badge" href="${orgPath(orgName)}">${orgAvatar}${org?.fullname || orgName}</a>` : ''}<span>${plural(comments, 'comment')}</span>${submitter ? html`<span>${subAvatar}Submitted by ${submitter}</span>` : ''}${date ? html`<span>${formatDay(date)}</span>` : ''}${gh ? html`<a href="${gh}" rel="noopener">GitHub${paper.githubStars !== null ? html` <span aria-label="${plural(paper.githubStars, 'star')}">★ ${compactNumber(paper.githubStars)}</span>` : raw('')}</a>` : ''}</p>
${o.snippetHtml ? html`<p class="snippet">${o.snippetHtml}</p>` : summaryLine(paper)}
${keywordTags(paper, CARD_TAGS)}
</div>
</li>`;
}

/** A list of cards, or a friendly empty state. */
export function cardList(items: SafeHtml[], empty: string, wide = false): SafeHtml {
  if (items.length === 0) return html`<p class="empty">${empty}</p>`;
  return html`<ol class="cards${wide ? ' wide' : ''}">${items}</ol>`;
}
