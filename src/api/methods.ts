import type { RequestHandler } from 'express';
import { resourceFor } from './access-policy';

/**
 * Methods on documented resources (RFC 9110 §15.5.6): a method the resource does not support is a
 * 405 with `Allow`, and OPTIONS answers 204 with `Allow`, both before authentication. The methods
 * of a resource are public: the OpenAPI document lists them. Paths outside the document fall
 * through to the routers (and their 404).
 */
export function methodsOfResources(): RequestHandler {
  return (req, res, next) => {
    const resource = resourceFor(req.path);
    if (resource === undefined) return next();
    const allowed = allowHeader(resource.methods);
    if (req.method === 'OPTIONS') {
      res.setHeader('Allow', allowed);
      return res.status(204).end();
    }
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    if (resource.methods.includes(method)) return next();
    res.setHeader('Allow', allowed);
    res.status(405).json({
      error: {
        code: 'method_not_allowed',
        message: `${req.method} is not supported on ${resource.template}; it supports ${allowed}.`,
      },
    });
  };
}

function allowHeader(methods: readonly string[]): string {
  const all = new Set(methods);
  if (all.has('GET')) all.add('HEAD');
  all.add('OPTIONS');
  return [...all].sort().join(', ');
}
