/**
 * The sales-materials library over HTTP: publish a version (RevOps, managers and above), browse
 * the latest versions, list a key's versions, and record and list the materials sent to a deal.
 */
import { Router } from 'express';
import { z } from 'zod';
import { text } from '../../domain/fields';
import { because } from '../zod-words';
import { requireActor, requireRole } from '../../auth/actor';
import { MATERIAL_PUBLISHERS } from '../access-policy';
import type { Db } from '../../db/client';
import {
  MATERIAL_TYPES,
  listDealMaterials,
  listLatestMaterials,
  listMaterialVersions,
  publishMaterial,
  shareMaterial,
} from '../../usecases/materials';
import { parseInput } from '../input';
import { dealIdOf } from './accounts';

export interface MaterialRoutesDeps {
  db: Db;
  now?: () => Date;
}

/** Who may publish a material version. */

export const MaterialKeySchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,99}$/, 'must be lowercase letters, digits and dashes, e.g. "platform-overview-deck"');
const type = z.enum(MATERIAL_TYPES, { error: `must be one of: ${MATERIAL_TYPES.join(', ')}` });
const tag = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9 .&+-]{0,49}$/, 'tags are up to 50 lowercase letters, digits, spaces and . & + -');

export const MaterialPublishSchema = z.strictObject({
  key: MaterialKeySchema.meta({
    description: 'Stable across versions; publishing an existing key adds its next version.',
  }),
  title: text(200),
  type,
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2000, 'must be at most 2000 characters'),
  tags: z
    .array(tag)
    .max(20, 'at most 20 tags')
    .default([])
    .transform((tags) => [...new Set(tags)]),
});
export const MaterialListQuerySchema = z.strictObject({
  tag: tag.optional(),
  type: type.optional(),
  q: text(200).optional().meta({ description: 'Text in the key, title or tags (case-insensitive).' }),
});
export const MaterialKeyParamsSchema = z.object({ key: MaterialKeySchema });
const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,128}$/;
export const MaterialShareSchema = z
  .strictObject({
    materialKey: MaterialKeySchema.optional().meta({ description: 'Sends the latest version of this key.' }),
    materialId: z.string().min(1).max(100).optional().meta({ description: 'Sends this exact version.' }),
    contactId: z.string().min(1).max(100).nullable().optional().meta({ description: 'The stakeholder it went to.' }),
    idempotencyKey: z
      .string()
      .regex(IDEMPOTENCY_KEY, 'must be 8–128 characters of letters, digits, . _ : -')
      .optional(),
  })
  .refine((s) => (s.materialKey === undefined) !== (s.materialId === undefined), {
    ...because('material-key-or-id'),
    path: ['materialKey'],
  })
  .meta({ oneOf: [{ required: ['materialKey'] }, { required: ['materialId'] }] });

export function materialRoutes(deps: MaterialRoutesDeps): Router {
  const router = Router();
  const now = deps.now ?? (() => new Date());

  router.post('/api/materials', async (req, res) => {
    const actor = requireRole(req, MATERIAL_PUBLISHERS, 'Publishing a sales material');
    const input = parseInput(MaterialPublishSchema, 'body', req.body, 'The material');
    const material = await publishMaterial(deps.db, actor, input, now());
    res.status(201).location(`/api/materials/${material.key}/versions`).json(material);
  });
  router.get('/api/materials', async (req, res) => {
    const actor = requireActor(req);
    const filter = parseInput(MaterialListQuerySchema, 'query', req.query, 'The query');
    res.json({ materials: await listLatestMaterials(deps.db, actor, filter) });
  });
  router.get('/api/materials/:key/versions', async (req, res) => {
    const actor = requireActor(req);
    const { key } = parseInput(MaterialKeyParamsSchema, 'params', req.params, 'The path');
    res.json({ key, versions: await listMaterialVersions(deps.db, actor, key) });
  });

  router.post('/api/deals/:dealId/materials', async (req, res) => {
    const actor = requireActor(req);
    const dealId = dealIdOf(req);
    const input = parseInput(MaterialShareSchema, 'body', req.body, 'The material share');
    const { share, created } = await shareMaterial(deps.db, actor, dealId, input, now());
    res.status(created ? 201 : 200).json(share);
  });
  router.get('/api/deals/:dealId/materials', async (req, res) => {
    const actor = requireActor(req);
    const dealId = dealIdOf(req);
    res.json({ dealId, shares: await listDealMaterials(deps.db, actor, dealId) });
  });

  return router;
}
