/** The sales-materials library as the workspace lists it (GET /api/materials). */
import { label } from './i18n';

/** A material's version, as GET /api/materials lists it. */
export interface Material {
  id: string;
  key: string;
  version: number;
  title: string;
  type: string;
  url: string;
  tags: string[];
  createdBy: string | null;
  createdAt: string;
}

/** "Platform overview · Deck · v3": how a material is named in a list to choose from. */
export function materialName(material: Pick<Material, 'title' | 'type' | 'version'>): string {
  return `${material.title} · ${label('materialTypes', material.type)} · v${material.version}`;
}
