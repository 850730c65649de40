/**
 * The small "get these papers by email" form on list pages. It posts to
 * /subscribe (the digest routes) with `email`, `frequency` (daily|weekly)
 * and the CSRF token in `_csrf`. Non-goals: handling the subscription.
 */
import { html, type SafeHtml } from '../../html/html.js';

export function subscribeBox(csrfToken: string, frequency: 'daily' | 'weekly' = 'daily'): SafeHtml {
  return html`<section class="subscribe" aria-labelledby="subscribe-h">
<h2 id="subscribe-h">Get trending papers by email</h2>
<form method="post" action="/subscribe">
<input type="hidden" name="_csrf" value="${csrfToken}">
<div class="field grow"><label for="sub-email">Email address</label>
<input id="sub-email" type="email" name="email" required autocomplete="email" placeholder="you@example.org"></div>
<div class="field"><label for="sub-frequency">How often</label>
<select id="sub-frequency" name="frequency"><option value="daily"${frequency === 'daily' ? html` selected` : ''}>Daily</option><option value="weekly"${frequency === 'weekly' ? html` selected` : ''}>Weekly</option></select></div>
<button type="submit">Subscribe</button>
</form>
<p class="muted">One email per digest, unsubscribe with one click. <a href="/subscribe">Manage your subscription</a></p>
</section>`;
}
