/**
 * A horizontal bar chart in plain SVG: one bar per row, its label on the left and its value at
 * the bar's end. The SVG is an image named by `label`; the table beside it carries the numbers.
 */
export interface Bar {
  label: string;
  value: number | null;
  /** The value as shown. */
  text: string;
}

const ROW = 24;
const LABEL_W = 160;
const WIDTH = 640;

export function BarChart({ label, bars }: { label: string; bars: readonly Bar[] }) {
  const max = Math.max(0, ...bars.map((b) => b.value ?? 0)) || 1;
  const plot = WIDTH - LABEL_W - 70;
  return (
    <svg class="bar-chart" role="img" aria-label={label} viewBox={`0 0 ${WIDTH} ${bars.length * ROW + 8}`} width="100%" style={{ maxWidth: `${WIDTH}px` }}>
      {bars.map((b, i) => {
        const y = i * ROW + 4;
        const w = ((b.value ?? 0) / max) * plot;
        return (
          <g key={i}>
            <text x={LABEL_W - 8} y={y + ROW / 2 + 4} text-anchor="end" font-size="12" fill="currentColor">
              {b.label.length > 22 ? `${b.label.slice(0, 21)}…` : b.label}
            </text>
            <rect x={LABEL_W} y={y + 3} width={Math.max(w, b.value ? 1 : 0)} height={ROW - 8} rx="2" fill="#3b6fd8" />
            <text x={LABEL_W + w + 6} y={y + ROW / 2 + 4} font-size="12" fill="currentColor">
              {b.text}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
