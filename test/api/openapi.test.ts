import type { Express } from 'express';
import { once } from 'node:events';
import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type AppDeps } from '../../src/api/app';
import { openApiDocument } from '../../src/api/openapi';

/** Deps that fail loudly if building the app ever calls them: the test only reads the route table. */
const neverCalled = (name: string): unknown =>
  new Proxy(() => undefined, {
    get: (_target, prop) => {
      if (prop === 'then') return undefined;
      throw new Error(`stand-in ${name} was used (.${String(prop)})`);
    },
    apply: () => {
      throw new Error(`stand-in ${name} was called`);
    },
  });

function buildApp(): Express {
  const deps = {
    db: neverCalled('db'),
    temporal: neverCalled('temporal'),
    taskQueue: 'test',
    defaultTenant: 'default',
    rules: { registry: neverCalled('rules.registry'), store: neverCalled('rules.store') },
    logger: neverCalled('logger'),
    mailbox: neverCalled('mailbox'), // mounts the dev mailbox routes too
    formWebhooks: { secret: 'form-webhook-secret-0123456789', allowUnsigned: false },
    abuse: { trustProxy: 'loopback', apiPerMinute: 1200, intakePerMinute: 3000, badTokens: 10 },
  } as unknown as AppDeps;
  return createApp(deps);
}

interface Layer {
  rawPath?: string | string[];
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}

/** Every (METHOD, path) registered on the app, walking nested routers (Express 5 / router 2). */
function registeredRoutes(app: Express): string[] {
  const found: string[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = ([] as string[]).concat(layer.route.path);
        for (const path of paths) {
          for (const [method, on] of Object.entries(layer.route.methods)) {
            if (on && method !== '_all') found.push(`${method.toUpperCase()} ${joinPath(prefix, path)}`);
          }
        }
      } else if (layer.handle.stack) {
        const mount = typeof layer.rawPath === 'string' ? layer.rawPath : '/';
        walk(layer.handle.stack, joinPath(prefix, mount));
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return [...new Set(found)].sort();
}

function joinPath(prefix: string, path: string): string {
  const joined = `${prefix.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
  return joined.length > 1 ? joined.replace(/\/+$/, '') : joined;
}

const toOpenApiPath = (expressPath: string) => expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

type Json = Record<string, unknown>;
const doc = openApiDocument('http://localhost:3000') as unknown as Json & {
  paths: Record<string, Record<string, Json>>;
};

function operations(): { method: string; path: string; op: Json; pathItem: Record<string, Json> }[] {
  return Object.entries(doc.paths).flatMap(([path, pathItem]) =>
    Object.entries(pathItem)
      .filter(([method]) => HTTP_METHODS.includes(method))
      .map(([method, op]) => ({ method, path, op, pathItem })),
  );
}

describe('OpenAPI document', () => {
  const routes = registeredRoutes(buildApp());

  it("finds the app's routes, including mounted routers", () => {
    expect(routes).toEqual(
      expect.arrayContaining([
        'POST /api/leads',
        'GET /api/leads/:id',
        'POST /api/rules/validate',
        'GET /api/rules/versions/:hash',
        'GET /api/dev/mailbox',
      ]),
    );
    expect(routes.length).toBeGreaterThan(15);
  });

  it('documents every registered route', () => {
    const documented = new Set(operations().map(({ method, path }) => `${method.toUpperCase()} ${path}`));
    const undocumented = routes.filter((route) => {
      const [method, path] = route.split(' ') as [string, string];
      return !documented.has(`${method} ${toOpenApiPath(path)}`);
    });
    expect(undocumented, 'routes missing from src/api/openapi.ts').toEqual([]);
  });

  it('documents no route that does not exist', () => {
    const registered = new Set(routes.map((route) => toOpenApiPath(route)));
    const stale = operations()
      .map(({ method, path }) => `${method.toUpperCase()} ${path}`)
      .filter((op) => !registered.has(op));
    expect(stale).toEqual([]);
  });

  it('gives every operation a unique operationId, a known tag and responses', () => {
    const tags = new Set((doc.tags as { name: string }[]).map((tag) => tag.name));
    const ids = operations().map(({ op }) => op.operationId);
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { method, path, op } of operations()) {
      const where = `${method.toUpperCase()} ${path}`;
      expect(Object.keys((op.responses as Json | undefined) ?? {}), where).not.toHaveLength(0);
      expect(op.tags, where).toHaveLength(1);
      expect(tags.has((op.tags as string[])[0]!), where).toBe(true);
    }
  });

  it('declares each path template parameter as a required path parameter', () => {
    for (const { method, path, op, pathItem } of operations()) {
      const params = [
        ...((pathItem.parameters as Json[] | undefined) ?? []),
        ...((op.parameters as Json[] | undefined) ?? []),
      ].map((p) => resolve(p));
      const declared = params.filter((p) => p.in === 'path' && p.required === true).map((p) => p.name);
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      expect(declared.sort(), `${method.toUpperCase()} ${path}`).toEqual(templated.sort());
    }
  });

  it('resolves every $ref', () => {
    const refs: string[] = [];
    const collect = (node: unknown) => {
      if (Array.isArray(node)) node.forEach(collect);
      else if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === '$ref' && typeof value === 'string') refs.push(value);
          else collect(value);
        }
      }
    };
    collect(doc);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(() => resolve({ $ref: ref }), ref).not.toThrow();
  });

  it('marks the commands that honour Idempotency-Key', () => {
    const withKey = operations()
      .filter(({ op }) =>
        ((op.parameters as Json[] | undefined) ?? [])
          .map((p) => resolve(p))
          .some((p) => p.in === 'header' && p.name === 'Idempotency-Key'),
      )
      .map(({ method, path }) => `${method.toUpperCase()} ${path}`)
      .sort();
    expect(withKey).toEqual(
      ['events', 'bant', 'disqualify', 'reassign', 'cadence']
        .map((c) => `POST /api/leads/{id}/${c}`)
        .concat('POST /api/leads')
        .sort(),
    );
  });

  it('takes the capture body from LeadInputSchema', () => {
    const schema = (
      doc.paths['/api/leads']!.post!.requestBody as {
        content: Record<string, { schema: Json & { properties: Record<string, Json> } }>;
      }
    ).content['application/json']!.schema;
    expect(schema.required).toEqual(expect.arrayContaining(['source']));
    expect(schema.anyOf).toEqual([{ required: ['email'] }, { required: ['externalId'] }]);
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['email', 'externalId']));
    expect(schema.properties.source!.enum).toContain('events');
  });
});

describe('methods of documented resources', () => {
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    server = buildApp().listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  /** node:http, because fetch refuses TRACE. No token: these answers come before authentication. */
  const send = (method: string, path: string) =>
    new Promise<{ status: number; allow: string | undefined; body: string }>((done, fail) => {
      const req = request({ host: '127.0.0.1', port, method, path }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => done({ status: res.statusCode ?? 0, allow: res.headers.allow, body }));
      });
      req.on('error', fail);
      req.end();
    });

  it.each([
    ['TRACE', '/', 'GET, HEAD, OPTIONS'],
    ['DELETE', '/api/leads', 'GET, HEAD, OPTIONS, POST'],
    ['PUT', '/health', 'GET, HEAD, OPTIONS'],
    // The literal segment wins: "graph" is not a stakeholder id, so PATCH and DELETE are not allowed here.
    ['PATCH', '/api/deals/dl_0000000000000000000000/stakeholders/graph', 'GET, HEAD, OPTIONS'],
  ])('when %s %s is asked, then 405 with the Allow header of the resource', async (method, path, allow) => {
    const answer = await send(method, path);
    expect(answer.status).toBe(405);
    expect(answer.allow).toBe(allow);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'method_not_allowed' } });
  });

  it('when OPTIONS is asked, then 204 with exactly the documented methods', async () => {
    const graph = await send('OPTIONS', '/api/deals/dl_0000000000000000000000/stakeholders/graph');
    expect(graph).toMatchObject({ status: 204, allow: 'GET, HEAD, OPTIONS' });
    const stakeholder = await send('OPTIONS', '/api/deals/dl_0000000000000000000000/stakeholders/ct_1');
    expect(stakeholder).toMatchObject({ status: 204, allow: 'DELETE, GET, HEAD, OPTIONS, PATCH' });
    for (const [path, item] of Object.entries(doc.paths)) {
      const concrete = path.replace(/\{[^}]+\}/g, 'x1');
      const documented = Object.keys(item).filter((key) => HTTP_METHODS.includes(key));
      const answer = await send('OPTIONS', concrete);
      const allowed = (answer.allow ?? '').split(', ').map((m) => m.toLowerCase());
      expect(allowed, path).toEqual(expect.arrayContaining(documented));
    }
  });

  it('when the path is not a documented resource, then the routers answer (no 405)', async () => {
    expect((await send('TRACE', '/nowhere')).status).toBe(404);
  });
});

/** Follows a local `$ref` (a JSON pointer into the document); throws if it does not resolve. */
function resolve(node: Json): Json {
  const ref = node.$ref;
  if (typeof ref !== 'string') return node;
  if (!ref.startsWith('#/')) throw new Error(`non-local $ref ${ref}`);
  let target: unknown = doc;
  for (const part of ref
    .slice(2)
    .split('/')
    .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'))) {
    if (!target || typeof target !== 'object' || !(part in target)) throw new Error(`unresolved $ref ${ref}`);
    target = (target as Json)[part];
  }
  if (!target || typeof target !== 'object') throw new Error(`$ref ${ref} points at a non-object`);
  return target as Json;
}
