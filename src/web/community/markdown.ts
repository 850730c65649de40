/**
 * Comment Markdown → safe HTML, with markdown-it (CommonMark, well kept).
 *
 * Goals: nothing a commenter writes can become markup of their own — raw
 * HTML is off (`html: false`: a `<script>` is shown as text), links only go
 * to http(s) and mailto (markdown-it's validateLink already refuses
 * javascript:, vbscript:, file: and data:; we narrow it further), every link
 * carries rel="nofollow ugc noopener" (search engines give it no credit,
 * the page is not reachable from the opened one); no images (a comment
 * cannot make every reader's browser fetch a tracker), no headings (the
 * page's outline is the page's); bare URLs become links. Broken Markdown
 * renders as text, never throws. Non-goals: previews, mentions.
 */
import MarkdownIt from 'markdown-it';

const md = new MarkdownIt('default', { html: false, linkify: true, typographer: false, breaks: true });
md.disable(['image', 'heading', 'lheading']);

const SAFE_LINK = /^(?:https?:|mailto:)/i;
const defaultValidate = md.validateLink.bind(md);
md.validateLink = (url: string) => defaultValidate(url) && SAFE_LINK.test(url.trim());

const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx].attrSet('rel', 'nofollow ugc noopener');
  return defaultLinkOpen(tokens, idx, options, env, self);
};

/** The HTML of a comment body (safe to insert as is). */
export function renderCommentMarkdown(body: string): string {
  return md.render(body);
}
