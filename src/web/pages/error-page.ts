/** The friendly HTML page for errors (404, 400, 500). Placeholder until the page layout lands. */
function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function renderErrorPage(status: number, message: string): string {
  const title = status === 404 ? 'Page not found' : status >= 500 ? 'Something went wrong' : 'Bad request';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title} · paperboy</title></head>` +
    `<body><main><h1>${title}</h1><p>${esc(message)}</p><p><a href="/">Back to today's papers</a></p></main></body></html>`;
}
