// The health panels: what each chart shows is data (metric names below), so a renamed series is a one-line change.
import { drawLineChart, formatValue } from './chart.js';
import { histogram, histogramDelta, parsePrometheus, quantile, total } from './prometheus.js';

/** Histograms drawn as p50/p95/p99 over time, from the observations between scrapes (a sliding window). */
const histogramPanels = [
  { id: 'ttft', title: 'Time to first token', metric: 'resumable_response_time_to_first_token_seconds', unit: 's' },
  { id: 'itl', title: 'Inter-token latency', metric: 'resumable_response_inter_token_latency_seconds', unit: 's' },
  { id: 'commit', title: 'WAL commit latency', metric: 'resumable_wal_commit_duration_seconds', unit: 's' },
  { id: 'events-per-commit', title: 'Events per commit', metric: 'resumable_wal_commit_events', unit: '' },
];

/** Gauges drawn as they are, one line per series. */
const gaugePanels = [
  { id: 'queue', title: 'Queued and running jobs', unit: '', series: [
    { label: 'queued', metric: 'resumable_queue_depth', stats: (s) => s.queue?.depth },
    { label: 'running', metric: 'resumable_jobs_running', stats: (s) => s.running_jobs },
  ] },
  { id: 'readers', title: 'Active readers (SSE streams)', unit: '', series: [
    { label: 'streams', metric: 'resumable_streams_active', stats: (s) => s.active_streams },
  ] },
  { id: 'lag', title: 'Durable lag (events)', unit: '', series: [
    { label: 'events', metric: 'resumable_wal_pending_records', stats: (s) => s.wal?.pending_records },
  ] },
  { id: 'pending-bytes', title: 'Bytes waiting for the disk', unit: 'By', series: [
    { label: 'pending', metric: 'resumable_wal_pending_bytes', stats: (s) => s.wal?.pending_bytes },
  ] },
  { id: 'disk', title: 'WAL disk use', unit: 'By', series: [
    { label: 'on disk', metric: 'resumable_wal_disk_bytes', stats: (s) => s.wal?.size_on_disk_bytes },
  ] },
];

/** Counters drawn as a rate per second. */
const ratePanels = [
  { id: 'tokens', title: 'Throughput per second', unit: '', series: [
    { label: 'tokens/s', metric: 'resumable_tokens_total' },
    { label: 'finished/s', metric: 'resumable_responses_finished_total' },
    { label: 'events/s', metric: 'resumable_events_total', stats: (s) => s.events_total },
  ] },
];

const windowMs = 120_000;
const quantileWindow = 5;

export class HealthPanels {
  constructor(root, fetchAuthorized, { metricsAvailable, node }) {
    this.root = root;
    this.fetchAuthorized = fetchAuthorized;
    this.metricsAvailable = metricsAvailable;
    this.node = node;
    this.history = [];
    this.panels = new Map();
    this.build();
  }

  build() {
    const heading = document.createElement('p');
    heading.className = 'note';
    heading.textContent = `Health of node ${this.node}: ${this.metricsAvailable ? '/metrics' : '/admin/stats'} every 2 s, the last 2 minutes.`;
    this.root.append(heading);
    const all = [...gaugePanels, ...ratePanels, ...histogramPanels];
    for (const panel of all) {
      const section = document.createElement('section');
      section.className = 'panel';
      section.dataset.panel = panel.id;
      const title = document.createElement('h3');
      title.textContent = panel.title;
      const body = document.createElement('div');
      body.className = 'panel-body';
      body.textContent = 'waiting for data…';
      section.append(title, body);
      this.root.append(section);
      this.panels.set(panel.id, body);
    }
    if (!this.metricsAvailable) {
      const note = document.createElement('p');
      note.className = 'note';
      note.textContent = 'This server has no /metrics endpoint: gauges come from /admin/stats; latency distributions need /metrics.';
      this.root.append(note);
    }
  }

  /** Scrapes once; the caller repeats it. Returns false when the source refused (the key). */
  async refresh() {
    const now = Date.now();
    let sample;
    const response = await this.fetchAuthorized(this.metricsAvailable ? '../metrics' : '../admin/stats');
    if (!response.ok) return response.status !== 401;
    // Behind a load balancer a scrape can land on another node: its figures are not this chart's, and mixing two
    // nodes' counters would draw rates out of their differences.
    const answeredBy = response.headers.get('x-resumable-node');
    if (answeredBy !== null && answeredBy !== this.node) return true;
    if (this.metricsAvailable) {
      sample = { time: now, parsed: parsePrometheus(await response.text()) };
    } else {
      sample = { time: now, stats: await response.json() };
    }
    this.history.push(sample);
    while (this.history.length > 0 && this.history[0].time < now - windowMs - 10_000) this.history.shift();
    this.samples = (this.samples ?? 0) + 1;
    this.root.dataset.samples = String(this.samples);
    this.draw(now);
    return true;
  }

  valueOf(sample, series) {
    if (sample.parsed) return series.metric ? total(sample.parsed, series.metric) : null;
    const value = series.stats ? series.stats(sample.stats) : undefined;
    return value === undefined ? null : value;
  }

  draw(now) {
    // The charts span what has been seen, from 10 s up to the full window: a page just opened fills its width too.
    const span = Math.min(windowMs, Math.max(10_000, now - this.history[0].time));
    for (const panel of gaugePanels) {
      const series = panel.series.map((s) => ({ label: s.label, points: this.history.map((h) => [h.time, this.valueOf(h, s)]) }));
      this.drawOrExplain(panel, series, now, span);
    }
    for (const panel of ratePanels) {
      const series = panel.series.map((s) => ({
        label: s.label,
        points: this.history.slice(1).map((h, i) => {
          const before = this.valueOf(this.history[i], s);
          const after = this.valueOf(h, s);
          return [h.time, before === null || after === null ? null : Math.max(0, after - before) / ((h.time - this.history[i].time) / 1000)];
        }),
      }));
      this.drawOrExplain(panel, series, now, span);
    }
    for (const panel of histogramPanels) {
      const body = this.panels.get(panel.id);
      if (!this.metricsAvailable) { body.textContent = 'needs /metrics'; continue; }
      const hists = this.history.map((h) => histogram(h.parsed, panel.metric));
      const latest = hists[hists.length - 1];
      // The exporter lists a histogram once it has its first observation.
      if (!latest) { body.textContent = 'nothing observed yet'; body.title = panel.metric; continue; }
      const points = { p50: [], p95: [], p99: [] };
      for (let i = 1; i < hists.length; i++) {
        const delta = histogramDelta(hists[i], hists[Math.max(0, i - quantileWindow)]);
        const time = this.history[i].time;
        points.p50.push([time, quantile(delta, 0.5)]);
        points.p95.push([time, quantile(delta, 0.95)]);
        points.p99.push([time, quantile(delta, 0.99)]);
      }
      drawLineChart(body, Object.entries(points).map(([label, p]) => ({ label, points: p })), { unit: panel.unit, windowMs: span, now });
      const caption = document.createElement('div');
      caption.className = 'caption';
      caption.textContent = `since start: ${latest.count} · p50 ${formatValue(quantile(latest, 0.5), panel.unit)} ` +
        `· p95 ${formatValue(quantile(latest, 0.95), panel.unit)} · p99 ${formatValue(quantile(latest, 0.99), panel.unit)}`;
      body.append(caption);
    }
  }

  drawOrExplain(panel, series, now, span) {
    const body = this.panels.get(panel.id);
    if (series.every((s) => s.points.every(([, v]) => v === null))) {
      body.textContent = this.history.length < 2 ? 'waiting for data…' : `no series ${panel.series.map((s) => s.metric).filter(Boolean).join(', ')}`;
      return;
    }
    drawLineChart(body, series, { unit: panel.unit, windowMs: span, now });
  }
}
