/**
 * Writers for a run's results: the Markdown table and the SVG chart (drawn by hand: latency
 * percentiles against offered load, product vs baseline, log-log axes).
 */
import type { BenchResults, Row, Series } from './results';

// ------------------------------------------------------------------ numbers

export function num(v: number | null, unit = ''): string {
  if (v === null || !Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  const digits = unit === 'ms' || unit === '×' || unit === 'cores' ? (a < 10 ? 2 : a < 100 ? 1 : 0) : a < 100 && !Number.isInteger(v) ? 1 : 0;
  return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

const ratio = (r: Row) => (r.ratio === null || !Number.isFinite(r.ratio) ? '–' : `${r.ratio.toFixed(2)}×`);
const met = (r: Row) => (r.met === undefined || r.target === undefined ? '' : r.met === null ? 'not judged' : r.met ? '**met**' : '**not met**');
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

// ------------------------------------------------------------------ Markdown

export function resultsTable(rows: Row[]): string {
  const lines = ['| # | metric | unit | product | baseline | ratio | target | |', '|---|---|---|--:|--:|--:|---|---|'];
  for (const r of rows) {
    const metric = r.note ? `${r.metric} <br><sub>${r.note}</sub>` : r.metric;
    lines.push(`| ${r.scenario} | ${cell(metric)} | ${r.unit} | ${num(r.product, r.unit)} | ${num(r.baseline, r.unit)} | ${ratio(r)} | ${cell(r.target ?? '')} | ${met(r)} |`);
  }
  return lines.join('\n');
}

export function markdown(res: BenchResults, svgFile?: string): string {
  const h = res.host;
  const rows = res.scenarios.flatMap((s) => s.rows);
  const targets = rows.filter((r) => r.target !== undefined);
  const metCount = targets.filter((r) => r.met === true).length;
  const out: string[] = [
    `# LiveSupport bench: ${res.startedAt.slice(0, 16).replace('T', ' ')} UTC (${res.profile})`,
    '',
    `Machine: ${h.cpus} × ${h.cpuModel}, ${h.memoryGiB.toFixed(0)} GiB, Node ${h.node}, open-files limit ${h.openFilesLimit}.`,
    `Load before: \`${h.before.uptime}\`; after: \`${h.after?.uptime ?? '?'}\`. Server, load generator, Redis and PostgreSQL share these cores, with whatever else was running (see the JSON's \`host.before.top\`): absolute figures drift, **ratios measured side by side in this run are what matter**.`,
    '',
    `**${res.rateLimits.note}** (${Object.entries(res.rateLimits.env).map(([k, v]) => `${k}=${v}`).join(', ')})`,
    '',
    'Ratio = product / baseline. Baselines: a bare Socket.IO relay (client A emits, the server forwards to client B\'s room, nothing else), one process or two joined by the same redis-streams adapter; for the widget, a minimal Preact + socket.io-client floor.',
    '',
    `Targets met: ${metCount} of ${targets.length}.`,
    '',
    resultsTable(rows),
    '',
  ];
  if (svgFile) out.push(`![latency against offered load](${svgFile})`, '');
  for (const s of res.scenarios) {
    out.push(`## ${s.id}. ${s.title} (${(s.durationMs / 1000).toFixed(0)} s)`, '');
    if (s.error) out.push(`**Failed:** \`${s.error.split('\n')[0]}\``, '');
    for (const n of s.notes) out.push(`- ${n}`);
    out.push('');
  }
  return out.join('\n');
}

// ------------------------------------------------------------------ SVG

const COLORS = { baseline: ['#555555', '#999999'], product: ['#d62728', '#1f77b4', '#2ca02c', '#9467bd'] };
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function logTicks(min: number, max: number): number[] {
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= min * 0.999 && v <= max * 1.001) ticks.push(v);
    }
  }
  return ticks;
}

const tickLabel = (v: number) => (v >= 1000 ? `${v / 1000}k` : v >= 1 ? String(v) : String(Number(v.toPrecision(2))));

interface Panel {
  title: string;
  series: Series[];
}

/** One panel per scenario: x = offered msg/s (log), y = latency ms (log); p99 solid, p50 dashed. */
export function svgChart(panels: Panel[], caption: string): string {
  const W = 520;
  const H = 380;
  const m = { l: 64, r: 16, t: 40, b: 56 };
  const legendH = 22 * Math.max(...panels.map((p) => p.series.length), 1) + 30;
  const width = W * panels.length;
  const height = H + legendH + 30;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
  ];
  panels.forEach((panel, pi) => {
    const ox = pi * W;
    const pts = panel.series.flatMap((s) => s.points).filter((p) => p.offered > 0 && p.p50Ms > 0 && p.p99Ms > 0);
    if (!pts.length) return;
    const xMin = Math.min(...pts.map((p) => p.offered)) / 1.3;
    const xMax = Math.max(...pts.map((p) => p.offered)) * 1.3;
    const yMin = Math.max(0.05, Math.min(...pts.map((p) => p.p50Ms)) / 1.5);
    const yMax = Math.max(...pts.map((p) => p.p99Ms)) * 1.5;
    const x = (v: number) => ox + m.l + ((Math.log(v) - Math.log(xMin)) / (Math.log(xMax) - Math.log(xMin))) * (W - m.l - m.r);
    const y = (v: number) => m.t + (1 - (Math.log(v) - Math.log(yMin)) / (Math.log(yMax) - Math.log(yMin))) * (H - m.t - m.b);
    parts.push(`<text x="${ox + W / 2}" y="22" text-anchor="middle" font-size="14" font-weight="bold">${esc(panel.title)}</text>`);
    parts.push(`<rect x="${ox + m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="none" stroke="#333"/>`);
    for (const t of logTicks(yMin, yMax)) {
      parts.push(`<line x1="${ox + m.l}" x2="${ox + W - m.r}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#e5e5e5"/>`);
      parts.push(`<text x="${ox + m.l - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${tickLabel(t)}</text>`);
    }
    const xs = [...new Set(pts.map((p) => p.offered))].sort((a, b) => a - b);
    for (const t of xs) {
      parts.push(`<line x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="${m.t}" y2="${H - m.b}" stroke="#e5e5e5"/>`);
      parts.push(`<text x="${x(t).toFixed(1)}" y="${H - m.b + 16}" text-anchor="middle">${tickLabel(t)}</text>`);
    }
    parts.push(`<text x="${ox + m.l + (W - m.l - m.r) / 2}" y="${H - 14}" text-anchor="middle">offered load (msg/s, log)</text>`);
    parts.push(`<text transform="translate(${ox + 16},${m.t + (H - m.t - m.b) / 2}) rotate(-90)" text-anchor="middle">end-to-end latency (ms, log)</text>`);
    let bi = 0;
    let pj = 0;
    panel.series.forEach((s, si) => {
      const color = s.kind === 'baseline' ? COLORS.baseline[bi++ % 2] : COLORS.product[pj++ % 4];
      const sorted = [...s.points].sort((a, b) => a.offered - b.offered);
      for (const [key, dash] of [['p99Ms', ''], ['p50Ms', ' stroke-dasharray="5,4"']] as const) {
        const d = sorted.map((p, i) => `${i ? 'L' : 'M'}${x(p.offered).toFixed(1)},${y(p[key]).toFixed(1)}`).join(' ');
        parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"${dash}/>`);
        for (const p of sorted) {
          // A hollow marker: the offered rate was not delivered (overloaded).
          const over = p.overloaded;
          parts.push(`<circle cx="${x(p.offered).toFixed(1)}" cy="${y(p[key]).toFixed(1)}" r="3.5" fill="${over ? '#fff' : color}" stroke="${color}" stroke-width="1.5"><title>${esc(`${s.label} ${key === 'p99Ms' ? 'p99' : 'p50'} at ${p.offered} msg/s: ${p[key].toFixed(2)} ms (delivered ${p.achieved.toFixed(0)} msg/s)`)}</title></circle>`);
        }
      }
      const ly = H + 10 + si * 22;
      parts.push(`<line x1="${ox + m.l}" x2="${ox + m.l + 28}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"/>`);
      parts.push(`<text x="${ox + m.l + 36}" y="${ly + 4}">${esc(s.label)}</text>`);
    });
  });
  parts.push(`<text x="${width / 2}" y="${height - 10}" text-anchor="middle" fill="#444">${esc(caption)}</text>`);
  parts.push('</svg>');
  return parts.join('\n');
}

export function chartFor(res: BenchResults): string {
  const panels = res.scenarios.filter((s) => s.series?.length).map((s) => ({ title: `${s.id}. ${s.title}`, series: s.series! }));
  return svgChart(panels, `solid: p99, dashed: p50; hollow marker: offered rate not delivered. ${res.startedAt.slice(0, 10)}, ${res.profile} profile.`);
}
