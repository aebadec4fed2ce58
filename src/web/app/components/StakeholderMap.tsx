import { useEffect, useRef } from 'preact/hooks';
import { label, t } from '../lib/i18n';

export interface Stakeholder {
  id: string;
  name: string;
  email: string | null;
  title: string | null;
  role: string;
  influence: string;
  reportsToId: string | null;
  engagedAt: string | null;
  notes: string | null;
  revision?: number;
}
export interface Graph {
  nodes: Stakeholder[];
  edges: { from?: string; to?: string; source?: string; target?: string }[];
  warnings: { code: string; message: string; contactIds: string[] }[];
}

const ROLE_COLOURS: Record<string, string> = {
  'economic-buyer': '#7b3fa0',
  'decision-maker': '#1f5fa8',
  influencer: '#2f8f6b',
  champion: '#c47a00',
  user: '#5d6b78',
  blocker: '#b3261e',
};
/**
 * A warning in the reader's language, by its code, naming the people it is about; a code this
 * workspace does not know yet keeps the API's (English) message.
 */
export function warningText(graph: Graph, warning: Graph['warnings'][number]): string {
  const key = `stakeholderWarnings.${warning.code}`;
  const names = warning.contactIds
    .map((id) => graph.nodes.find((n) => n.id === id)?.name)
    .filter((name): name is string => Boolean(name))
    .join(t('stakeholderWarnings.separator'));
  const text = t(key, { names, name: names });
  return text === key ? warning.message : text;
}

const CYTOSCAPE_STYLESHEET = '__________cytoscape_stylesheet';
const SIZES: Record<string, number> = { low: 34, medium: 48, high: 64 };

/**
 * The customer's decision chain drawn as a graph (Cytoscape.js, loaded only on a deal's page):
 * colour is the role, size the influence, a solid ring who has engaged and a dashed one who has
 * not; an arrow points from a person to whom they report, and people named by a warning are red.
 */
export function StakeholderMap({ graph }: { graph: Graph }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let destroyed = false;
    let instance: { destroy(): void } | undefined;
    void import('cytoscape').then(({ default: cytoscape }) => {
      if (destroyed || !box.current) return;
      // Cytoscape adds a <style> element to the page unless one with this id exists; the CSP refuses
      // inline styles, and styles.css already gives the container the position it wants.
      if (!document.getElementById(CYTOSCAPE_STYLESHEET)) {
        const marker = document.createElement('meta');
        marker.id = CYTOSCAPE_STYLESHEET;
        document.head.append(marker);
      }
      const warned = new Set(graph.warnings.flatMap((w) => w.contactIds));
      const ids = new Set(graph.nodes.map((n) => n.id));
      const edges = graph.nodes
        .filter((n) => n.reportsToId && ids.has(n.reportsToId))
        // Drawn as an org chart: the line runs from the manager (above) to the person who reports to them.
        .map((n) => ({ data: { id: `${n.reportsToId}->${n.id}`, source: n.reportsToId!, target: n.id } }));
      const roots = graph.nodes.filter((n) => !n.reportsToId || !ids.has(n.reportsToId)).map((n) => n.id);
      const cy = cytoscape({
        container: box.current,
        elements: [
          ...graph.nodes.map((n) => ({
            data: {
              id: n.id,
              label: `${n.name}\n${label('roles', n.role)}`,
              colour: ROLE_COLOURS[n.role] ?? '#5d6b78',
              size: SIZES[n.influence] ?? 44,
              ring: n.engagedAt ? 'solid' : 'dashed',
              ringColour: warned.has(n.id) ? '#b3261e' : n.engagedAt ? '#1e7a34' : '#8a96a3',
            },
          })),
          ...edges,
        ],
        style: [
          {
            selector: 'node',
            style: {
              'background-color': 'data(colour)',
              width: 'data(size)',
              height: 'data(size)',
              label: 'data(label)',
              'text-wrap': 'wrap',
              'text-valign': 'bottom',
              'text-margin-y': 6,
              'font-size': 12,
              color: '#1d2733',
              'border-width': 4,
              'border-style': 'data(ring)' as 'solid',
              'border-color': 'data(ringColour)',
            },
          },
          {
            selector: 'edge',
            style: {
              width: 2,
              'line-color': '#8a96a3',
              'curve-style': 'straight',
            },
          },
        ],
        layout:
          edges.length > 0
            ? { name: 'breadthfirst', directed: true, roots, padding: 30, spacingFactor: 1.1 }
            : { name: 'grid', padding: 40 },
        userZoomingEnabled: false,
        boxSelectionEnabled: false,
      });
      instance = cy;
      box.current.dataset.nodes = String(cy.nodes().length);
      box.current.dataset.edges = String(cy.edges().length);
      box.current.dataset.ready = 'true';
    });
    return () => {
      destroyed = true;
      instance?.destroy();
    };
  }, [graph]);
  const reporting = graph.nodes.filter((n) => n.reportsToId).length;
  return (
    <figure class="map">
      <div
        ref={box}
        id="stakeholder-map"
        class="map-canvas"
        role="img"
        aria-label={t('deal.mapLabel', { people: graph.nodes.length, lines: reporting })}
      />
      <figcaption>
        <ul class="legend">
          {Object.entries(ROLE_COLOURS).map(([role, colour]) => (
            <li key={role}>
              <span class={`swatch role-${role}`} aria-hidden="true" data-colour={colour} /> {label('roles', role)}
            </li>
          ))}
          <li>{t('deal.legendEngaged')}</li>
          <li>{t('deal.legendLines')}</li>
        </ul>
      </figcaption>
      {graph.warnings.length > 0 && (
        <ul class="warnings" id="map-warnings">
          {graph.warnings.map((w) => (
            <li key={w.code} class="warning" data-code={w.code}>
              {warningText(graph, w)}
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}
