import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { apiRoutes } from '../../../src/web/api/routes.js';
import { feedRoutes } from '../../../src/web/feeds/routes.js';
import { openApiDocument } from '../../../src/web/api/openapi.js';
import type { RouteDeps } from '../../../src/web/app.js';
import { fixtureApp, PUBLIC_URL, type TestApp } from './api-fixtures.js';


/** Fastify route syntax → the OpenAPI paths that describe it. */
function openApiPaths(url: string): string[] {
  if (url === '/api/papers/*') return ['/api/papers/{id}'];
  if (url === '/feeds/orgs/:file') return ['/feeds/orgs/{name}.rss', '/feeds/orgs/{name}.atom'];
  return [url.replace(/:(\w+)/g, '{$1}')];
}

describe('GET /api/openapi.json', () => {
  let t: TestApp;
  before(async () => { t = await fixtureApp({ empty: true }); });
  after(async () => { await t.close(); });

  it('serves an OpenAPI 3.1 document with the public server URL', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /^application\/json/);
    const doc = res.json() as ReturnType<typeof openApiDocument>;
    assert.equal(doc.openapi, '3.1.0');
    assert.deepEqual(doc.servers, [{ url: PUBLIC_URL }]);
    assert.ok(doc.paths['/papers/{id}.md'], 'the Markdown view is described');
  });

  it('describes every route the API and feed modules register', async () => {
    const routes: string[] = [];
    const bare = Fastify();
    bare.addHook('onRoute', (r) => { if (r.method === 'GET' || (Array.isArray(r.method) && r.method.includes('GET'))) routes.push(r.url); });
    // Only registration runs here (no request), so the deps need just the config.
    const deps = { config: { publicUrl: PUBLIC_URL } } as unknown as RouteDeps;
    await bare.register(apiRoutes, { deps });
    await bare.register(feedRoutes, { deps });
    await bare.ready();
    const doc = openApiDocument(PUBLIC_URL);
    const apiRoutesSeen = routes.filter((u) => u.startsWith('/api/') || u.startsWith('/feeds/'));
    assert.equal(apiRoutesSeen.length, 12, `found ${apiRoutesSeen.length} routes`);
    for (const url of apiRoutesSeen) {
      for (const p of openApiPaths(url)) assert.ok(doc.paths[p], `${url} is described as ${p}`);
    }
    await bare.close();
  });

  it('points every $ref at a defined schema', () => {
    const doc = openApiDocument(PUBLIC_URL);
    const refs = JSON.stringify(doc).match(/#\/components\/schemas\/\w+/g) ?? [];
    assert.ok(refs.length > 0);
    for (const r of refs) assert.ok(doc.components.schemas[r.split('/').pop()!], r);
  });
});
