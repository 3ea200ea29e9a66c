// A small parser of the Prometheus text exposition format: enough for gauges, counters and histograms. Lines it
// does not understand (and # comments other than TYPE) are skipped; labels such as otel_scope_* are kept but never
// required.

/** Parses exposition text into Map(name -> [{labels, value}]) plus the declared types, Map(name -> type). */
export function parsePrometheus(text) {
  const samples = new Map();
  const types = new Map();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      const type = /^#\s*TYPE\s+(\S+)\s+(\S+)/.exec(line);
      if (type) types.set(type[1], type[2]);
      continue;
    }
    const sample = parseSample(line);
    if (!sample) continue;
    if (!samples.has(sample.name)) samples.set(sample.name, []);
    samples.get(sample.name).push({ labels: sample.labels, value: sample.value });
  }
  return { samples, types };
}

function parseSample(line) {
  const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(line);
  if (!match) return null;
  const name = match[1];
  let rest = line.slice(name.length);
  const labels = {};
  if (rest.startsWith('{')) {
    let i = 1;
    for (;;) {
      while (rest[i] === ' ' || rest[i] === ',') i++;
      if (rest[i] === '}') { i++; break; }
      const key = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(rest.slice(i));
      if (!key || rest[i + key[0].length] !== '=' || rest[i + key[0].length + 1] !== '"') return null;
      i += key[0].length + 2;
      let value = '';
      while (i < rest.length && rest[i] !== '"') {
        if (rest[i] === '\\' && i + 1 < rest.length) {
          const next = rest[i + 1];
          value += next === 'n' ? '\n' : next;
          i += 2;
        } else {
          value += rest[i++];
        }
      }
      if (i >= rest.length) return null;
      i++;
      labels[key[0]] = value;
    }
    rest = rest.slice(i);
  }
  const parts = rest.trim().split(/\s+/);
  if (parts.length === 0 || parts[0] === '') return null;
  const value = parseValue(parts[0]);
  return Number.isNaN(value) && parts[0] !== 'NaN' ? null : { name, labels, value };
}

function parseValue(text) {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

/** The sum of every sample of a metric (over its label sets), or null when it is absent. */
export function total(parsed, name, filter = () => true) {
  const list = parsed.samples.get(name);
  if (!list) return null;
  const chosen = list.filter((s) => filter(s.labels));
  return chosen.length === 0 ? null : chosen.reduce((sum, s) => sum + s.value, 0);
}

/**
 * A histogram's cumulative buckets summed over its label sets (other than le): [{le, count}] sorted by le, with its
 * _sum and _count; null when absent.
 */
export function histogram(parsed, name) {
  const buckets = parsed.samples.get(`${name}_bucket`);
  if (!buckets) return null;
  const byLe = new Map();
  for (const { labels, value } of buckets) {
    const le = labels.le === '+Inf' ? Infinity : Number(labels.le);
    byLe.set(le, (byLe.get(le) ?? 0) + value);
  }
  const sorted = [...byLe.entries()].sort((a, b) => a[0] - b[0]).map(([le, count]) => ({ le, count }));
  return { buckets: sorted, sum: total(parsed, `${name}_sum`) ?? 0, count: total(parsed, `${name}_count`) ?? 0 };
}

/** The difference of two histograms (later minus earlier): what was observed between two scrapes. */
export function histogramDelta(later, earlier) {
  if (!later) return null;
  if (!earlier) return later;
  const before = new Map(earlier.buckets.map((b) => [b.le, b.count]));
  const buckets = later.buckets.map((b) => ({ le: b.le, count: Math.max(0, b.count - (before.get(b.le) ?? 0)) }));
  return { buckets, sum: later.sum - earlier.sum, count: Math.max(0, later.count - earlier.count) };
}

/** The q-quantile of a histogram, interpolated linearly inside its bucket as Prometheus does; null when empty. */
export function quantile(hist, q) {
  if (!hist || hist.buckets.length === 0) return null;
  const count = hist.buckets[hist.buckets.length - 1].count;
  if (count <= 0) return null;
  const rank = q * count;
  let lowerLe = 0;
  let lowerCount = 0;
  for (const { le, count: cumulative } of hist.buckets) {
    if (cumulative >= rank) {
      if (le === Infinity) return lowerLe;
      const inBucket = cumulative - lowerCount;
      return inBucket <= 0 ? le : lowerLe + (le - lowerLe) * ((rank - lowerCount) / inBucket);
    }
    lowerLe = le;
    lowerCount = cumulative;
  }
  return lowerLe;
}
