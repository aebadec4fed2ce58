/**
 * Serves the sales workspace built from src/web/app (see src/web/build.ts): its hashed assets with
 * a year's caching, and its page for every path the workspace routes, so that a link from an email
 * (`/leads/<id>`, `/approvals/<id>`) or a reload opens the right view. The page itself holds no data:
 * every call it makes carries the person's token.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import express, { Router, type Response } from 'express';
import { WEB_DIST } from '../web/build';

/** The workspace's page paths (src/web/app/App.tsx has the same routes). */
export const WORKSPACE_PATHS: readonly RegExp[] = [
  /^\/$/,
  /^\/leads\/?$/,
  /^\/leads\/[^/]+$/,
  /^\/board\/?$/,
  /^\/deals\/[^/]+$/,
  /^\/approvals\/?$/,
  /^\/approvals\/[^/]+$/,
  /^\/renewals\/?$/,
  /^\/analytics\/?$/,
  /^\/set-password\/?$/,
  /^\/people\/?$/,
  /^\/imports\/?$/,
  /^\/rules\/?$/,
  /^\/materials\/?$/,
  /^\/catalogue\/?$/,
  /^\/quote-templates\/?$/,
];

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>leadflow</title>
<h1>The leadflow workspace is not built</h1>
<p>Run <code>npm install</code> (or <code>npm run web:build</code>) in the leadflow folder, then reload this page.
The API and the <a href="/console">operations console</a> work meanwhile.</p></html>`;

export function workspaceRoutes(dist = WEB_DIST): Router {
  const router = Router();
  router.use(
    '/assets',
    express.static(join(dist, 'assets'), { immutable: true, maxAge: '365d', index: false, fallthrough: false }),
  );
  const sendPage = (res: Response) => {
    const page = join(dist, 'index.html');
    if (!existsSync(page)) return void res.status(503).type('html').send(NOT_BUILT);
    // The page names the current build's assets: it is never cached, they always are.
    res.set('cache-control', 'no-cache').type('html').send(readFileSync(page, 'utf8'));
  };
  router.get('/', (_req, res) => sendPage(res));
  // The other page paths are the same document (OpenAPI describes them under `/`).
  router.use((req, res, next) => {
    if ((req.method === 'GET' || req.method === 'HEAD') && WORKSPACE_PATHS.some((path) => path.test(req.path)))
      return sendPage(res);
    next();
  });
  return router;
}
