import { useEffect, useRef } from 'preact/hooks';
import { language, t } from '../lib/i18n';

export interface Series {
  label: string;
  values: (number | null)[];
  colour: string;
}
export interface Marker {
  /** Index of the category the marker stands at. */
  at: number;
  label: string;
}

const PALETTE = ['#1f5fa8', '#2f8f6b', '#c47a00', '#7b3fa0', '#b3261e', '#5d6b78', '#0f7c8c'];
export const colour = (i: number): string => PALETTE[i % PALETTE.length]!;

/**
 * A bar or line chart (Chart.js, loaded with the analytics page only). The numbers are also in a
 * table beside it for screen readers and for copying, so the canvas is never the only way to read
 * them. `markers` draw dashed vertical lines (rule versions that became active) with their labels.
 */
export function Chart({
  id,
  title,
  type,
  categories,
  series,
  markers = [],
  horizontal = false,
  format = (n: number) => new Intl.NumberFormat(language.value).format(n),
  height,
}: {
  id: string;
  title: string;
  type: 'bar' | 'line';
  categories: string[];
  series: Series[];
  markers?: Marker[];
  horizontal?: boolean;
  /** The values' format, in the table and on the value axis. */
  format?: (n: number) => string;
  /** The chart's height in pixels (the stylesheet's otherwise), e.g. for a bar per many categories. */
  height?: number;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    let chart: { destroy(): void } | undefined;
    let gone = false;
    void import('chart.js/auto').then(({ default: ChartJs }) => {
      if (gone || !canvas.current) return;
      chart = new ChartJs(canvas.current, {
        type,
        data: {
          labels: categories,
          datasets: series.map((s) => ({
            label: s.label,
            data: s.values,
            backgroundColor: s.colour,
            borderColor: s.colour,
            tension: 0.2,
          })),
        },
        options: {
          indexAxis: horizontal ? 'y' : 'x',
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          locale: language.value,
          plugins: { legend: { display: series.length > 1 }, tooltip: { enabled: true } },
          scales: {
            [horizontal ? 'x' : 'y']: {
              beginAtZero: true,
              ticks: { precision: 0, callback: (value) => format(Number(value)) },
            },
          },
        },
        plugins: [
          {
            id: 'ruleMarkers',
            afterDatasetsDraw(instance) {
              if (markers.length === 0) return;
              const { ctx, chartArea, scales } = instance;
              const x = scales.x;
              if (!x) return;
              ctx.save();
              ctx.setLineDash([5, 4]);
              ctx.strokeStyle = '#8a5a00';
              ctx.fillStyle = '#8a5a00';
              ctx.font = '11px system-ui, sans-serif';
              for (const marker of markers) {
                const px = x.getPixelForValue(marker.at);
                ctx.beginPath();
                ctx.moveTo(px, chartArea.top);
                ctx.lineTo(px, chartArea.bottom);
                ctx.stroke();
                ctx.fillText(marker.label, px + 3, chartArea.top + 10);
              }
              ctx.restore();
            },
          },
        ],
      });
      canvas.current.dataset.ready = 'true';
    });
    return () => {
      gone = true;
      chart?.destroy();
    };
  }, [type, JSON.stringify(categories), JSON.stringify(series), JSON.stringify(markers), horizontal, language.value]);
  return (
    <figure class="chart" id={id}>
      <div class="chart-box" style={height ? { height: `${height}px` } : undefined}>
        <canvas ref={canvas} role="img" aria-label={title} />
      </div>
      <details>
        <summary>{t('analytics.dataOf', { title })}</summary>
        <table class="list data">
          <thead>
            <tr>
              <th scope="col">{title}</th>
              {series.map((s) => (
                <th scope="col" class="num" key={s.label}>
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {categories.map((c, i) => (
              <tr key={c}>
                <th scope="row">
                  {c}
                  {markers.filter((m) => m.at === i).map((m) => ` · ${m.label}`)}
                </th>
                {series.map((s) => (
                  <td class="num" key={s.label}>
                    {s.values[i] == null ? '—' : format(s.values[i])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
