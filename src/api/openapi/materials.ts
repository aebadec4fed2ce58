import { DealParamsSchema } from '../routes/accounts';
import {
  MaterialKeyParamsSchema,
  MaterialListQuerySchema,
  MaterialPublishSchema,
  MaterialShareSchema,
} from '../routes/materials';
import { body, described, errorResponse, errors, pathParam, queryParams } from './common';
import { needsToken, unauthenticated } from './people';

const tags = ['materials'];
const dealParam = pathParam('dealId', DealParamsSchema.shape.dealId, "The deal's id.");
const materialView = '`{ id, key, version, title, type, url, tags, createdBy, createdAt }`';
const shareView =
  '`{ id, dealId, material, latestVersion, contactId, sharedBy, sharedAt }`: `material` is the exact version sent; `latestVersion` above its version means a newer one exists';
const noDeal = ['404', "No such deal in the caller's tenant (`not_found`)."] as const;

export const materialPaths = {
  '/api/materials': {
    post: {
      operationId: 'publishMaterial',
      tags,
      summary: 'Publish a material: a new key starts at version 1, an existing key gets its next version',
      ...needsToken,
      requestBody: body(MaterialPublishSchema),
      responses: {
        '201': described(`The new version: ${materialView}.`),
        ...errors(
          '400',
          [
            '409',
            'Many versions of the key were published at the same moment and this one found no free version number (`conflict`); publish again.',
          ],
          '413',
        ),
        ...unauthenticated,
        '403': errorResponse('Only revops, managers, directors and VPs publish materials (`forbidden`).'),
      },
    },
    get: {
      operationId: 'listMaterials',
      tags,
      summary: 'The latest version of each material (what reps see), filtered by tag, type or text',
      ...needsToken,
      parameters: queryParams(MaterialListQuerySchema),
      responses: {
        '200': described(`\`{ materials }\`, each ${materialView}, by key.`),
        ...errors('400'),
        ...unauthenticated,
      },
    },
  },
  '/api/materials/{key}/versions': {
    get: {
      operationId: 'listMaterialVersions',
      tags,
      summary: 'Every version of a material, newest first',
      ...needsToken,
      parameters: [pathParam('key', MaterialKeyParamsSchema.shape.key, "The material's key.")],
      responses: {
        '200': described(`\`{ key, versions }\`, each ${materialView}.`),
        ...errors('400', ['404', 'No material with this key (`not_found`).']),
        ...unauthenticated,
      },
    },
  },
  '/api/deals/{dealId}/materials': {
    post: {
      operationId: 'sendMaterial',
      tags,
      summary:
        'Record a material sent to the deal (the latest version of a key, or an exact version by id); adds a timeline entry',
      ...needsToken,
      parameters: [dealParam],
      requestBody: body(MaterialShareSchema),
      responses: {
        '201': described(`Recorded: ${shareView}.`),
        '200': described(`Already recorded with this \`idempotencyKey\`: ${shareView}.`),
        ...errors(
          [
            '400',
            'Invalid input (`validation_failed`): neither or both of materialKey and materialId, an unknown material, or a contact not at the account.',
          ],
          [...noDeal],
          '413',
        ),
        ...unauthenticated,
        '403': errorResponse("The caller is not the deal's owner, one of their managers or revops (`forbidden`)."),
      },
    },
    get: {
      operationId: 'listDealMaterials',
      tags,
      summary: 'The materials sent to the deal, newest first',
      ...needsToken,
      parameters: [dealParam],
      responses: {
        '200': described(`\`{ dealId, shares }\`, each ${shareView}.`),
        ...errors([...noDeal]),
        ...unauthenticated,
      },
    },
  },
};
