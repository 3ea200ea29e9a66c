// A small hand-written SVG line chart: a few series over a time window, the y axis from 0 to the largest value.

const svgNs = 'http://www.w3.org/2000/svg';
const colors = ['#2f7fd8', '#e0812f', '#3aa35b', '#b04ac0'];

/** Formats a value in the unit of a panel: seconds, bytes, or a plain count. */
export function formatValue(value, unit) {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  if (unit === 's') {
    if (value < 0.001) return `${(value * 1e6).toFixed(0)} µs`;
    if (value < 1) return `${(value * 1000).toFixed(value < 0.01 ? 2 : 1)} ms`;
    return `${value.toFixed(2)} s`;
  }
  if (unit === 'By') {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    while (Math.abs(value) >= 1024 && i < units.length - 1) { value /= 1024; i++; }
    return `${value.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
  }
  return Math.abs(value) >= 100 || Number.isInteger(value) ? value.toFixed(0) : value.toFixed(1);
}

function el(name, attributes = {}) {
  const node = document.createElementNS(svgNs, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  return node;
}

/**
 * Draws series = [{label, points: [[timeMs, value|null]]}] over the last windowMs into container (replacing its content),
 * with a legend of each series' latest value.
 */
export function drawLineChart(container, series, { unit = '', windowMs = 120_000, now = Date.now() } = {}) {
  const width = 300;
  const height = 90;
  const left = 0;
  const top = 6;
  const plotHeight = height - top - 4;
  let max = 0;
  for (const s of series) for (const [, v] of s.points) if (v !== null && Number.isFinite(v)) max = Math.max(max, v);
  if (max <= 0) max = 1;

  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: 'none', class: 'chart', role: 'img' });
  for (let i = 0; i <= 2; i++) {
    const y = top + (plotHeight * i) / 2;
    svg.append(el('line', { x1: left, x2: width, y1: y, y2: y, class: 'grid' }));
  }
  series.forEach((s, index) => {
    let path = '';
    let drawing = false;
    for (const [t, v] of s.points) {
      if (t < now - windowMs) continue;
      if (v === null || !Number.isFinite(v)) { drawing = false; continue; }
      const x = left + ((t - (now - windowMs)) / windowMs) * (width - left);
      const y = top + plotHeight - (v / max) * plotHeight;
      path += `${drawing ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)} `;
      drawing = true;
    }
    if (path) svg.append(el('path', { d: path, fill: 'none', stroke: colors[index % colors.length], 'stroke-width': 1.6, 'vector-effect': 'non-scaling-stroke' }));
  });

  const legend = document.createElement('div');
  legend.className = 'legend';
  series.forEach((s, index) => {
    const last = [...s.points].reverse().find(([, v]) => v !== null && Number.isFinite(v));
    const item = document.createElement('span');
    const swatch = document.createElement('i');
    swatch.style.background = colors[index % colors.length];
    item.append(swatch, `${s.label} ${formatValue(last ? last[1] : null, unit)}`);
    legend.append(item);
  });
  const scale = document.createElement('span');
  scale.className = 'scale';
  scale.textContent = `max ${formatValue(max, unit)}`;
  legend.append(scale);

  container.replaceChildren(svg, legend);
}
