import type { RequestHandler } from 'express';
import { recordHttpRequest, secondsSince } from '../metrics/instruments';
import { policyFor, resourceFor } from './access-policy';

/**
 * Times every request and counts it by method, route template and status class, once its answer
 * is sent (or the connection drops). The route is the OpenAPI template the access policy names
 * (`/api/leads/{id}`), or the documented resource of a method it does not support (a 405), or
 * `unmatched`: never the raw path, which would make a series per lead.
 */
export function httpMetrics(): RequestHandler {
  return (req, res, next) => {
    const startedAt = performance.now();
    // Read now: mounted routers rewrite req.url while they handle the request.
    const method = req.method;
    const path = req.path;
    let counted = false;
    const count = () => {
      if (counted) return;
      counted = true;
      const route = policyFor(method, path)?.template ?? resourceFor(path)?.template ?? 'unmatched';
      recordHttpRequest(method, route, res.statusCode, secondsSince(startedAt));
    };
    res.once('finish', count);
    res.once('close', count);
    next();
  };
}
