// The operator dashboard: the retained responses of every node, pushed by the server's feed; one response's events,
// replayed then followed live; health charts from /metrics. The admin key stays in this tab (sessionStorage) and
// travels only in the Authorization header.
import { readEvents } from './sse.js';
import { HealthPanels } from './health.js';

const keyStorage = 'resumable.adminKey';
const terminalStatuses = new Set(['completed', 'failed', 'cancelled', 'incomplete']);
const terminalEvents = new Set(['response.completed', 'response.failed', 'response.incomplete']);
const maxListed = 500;
// A response of a million tokens would be a million rows: the detail view keeps the latest ones.
const maxEventRows = 5000;

const state = {
  settings: null,
  key: sessionStorage.getItem(keyStorage),
  rows: new Map(),
  node: null,
  clusterError: null,
  feed: null,
  detail: null,
  renderQueued: false,
};

const $ = (selector) => document.querySelector(selector);

function fetchAuthorized(url, init = {}) {
  const headers = new Headers(init.headers ?? {});
  if (state.key) headers.set('Authorization', `Bearer ${state.key}`);
  return fetch(url, { ...init, headers, cache: 'no-store' });
}

const sleep = (ms, signal) => new Promise((resolve) => {
  const timer = setTimeout(resolve, ms);
  signal?.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
});

// ---- key --------------------------------------------------------------------------------------------------------

function askForKey(message) {
  $('#key-message').textContent = message ?? '';
  $('#key-dialog').hidden = false;
  $('#key-input').focus();
}

function keyRejected() {
  sessionStorage.removeItem(keyStorage);
  state.key = null;
  stopFeed();
  stopHealth();
  setConnection('locked');
  askForKey('The server refused this key: enter the admin key.');
}

$('#key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const key = $('#key-input').value.trim();
  if (!key) return;
  state.key = key;
  sessionStorage.setItem(keyStorage, key);
  $('#key-input').value = '';
  $('#key-dialog').hidden = true;
  start();
});

$('#forget-key').addEventListener('click', () => {
  sessionStorage.removeItem(keyStorage);
  state.key = null;
  stopFeed();
  stopHealth();
  state.rows.clear();
  queueRender();
  setConnection('locked');
  askForKey();
});

// ---- feed -------------------------------------------------------------------------------------------------------

function setConnection(status, detail) {
  const badge = $('#connection');
  badge.dataset.state = status;
  badge.textContent = { live: 'live', connecting: 'connecting…', reconnecting: 'reconnecting…', locked: 'key needed' }[status] ?? status;
  badge.title = detail ?? '';
}

function stopFeed() {
  state.feed?.abort();
  state.feed = null;
}

async function runFeed() {
  stopFeed();
  const controller = new AbortController();
  state.feed = controller;
  let delay = 1000;
  for (let attempt = 0; !controller.signal.aborted; attempt++) {
    setConnection(attempt === 0 ? 'connecting' : 'reconnecting');
    try {
      const response = await fetchAuthorized('../admin/dashboard/feed', { signal: controller.signal, headers: { Accept: 'text/event-stream' } });
      if (response.status === 401) { keyRejected(); return; }
      if (!response.ok) throw new Error(`the feed answered ${response.status}`);
      setConnection('live');
      delay = 1000;
      for await (const message of readEvents(response)) applyFeed(message);
    } catch (error) {
      if (controller.signal.aborted) return;
      setConnection('reconnecting', String(error?.message ?? error));
    }
    await sleep(delay, controller.signal);
    delay = Math.min(delay * 2, 10_000);
  }
}

function applyFeed({ event, data }) {
  const message = JSON.parse(data);
  if (event === 'snapshot') {
    state.node = message.node;
    state.clusterError = message.cluster_error;
    state.rows = new Map(message.responses.map((row) => [row.id, row]));
    $('#node').textContent = message.clustered ? `node ${message.node} (of a cluster)` : `node ${message.node}`;
    // One node alone: the node column would repeat its id on every row.
    document.body.classList.toggle('clustered', message.clustered);
  } else if (event === 'upsert') {
    for (const row of message.responses) state.rows.set(row.id, row);
  } else if (event === 'remove') {
    for (const id of message.ids) state.rows.delete(id);
  } else if (event === 'cluster') {
    state.clusterError = message.cluster_error;
  }
  queueRender();
}

// ---- list -------------------------------------------------------------------------------------------------------

function queueRender() {
  if (state.renderQueued) return;
  state.renderQueued = true;
  requestAnimationFrame(() => {
    state.renderQueued = false;
    renderList();
    renderDetailSummary();
  });
}

function age(ms) {
  const seconds = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
  return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
}

function fillSelect(select, values) {
  const current = select.value;
  const wanted = ['', ...[...values].sort()];
  const existing = [...select.options].map((o) => o.value);
  if (wanted.length === existing.length && wanted.every((v, i) => v === existing[i])) return;
  select.replaceChildren(...wanted.map((value) => new Option(value === '' ? 'all' : value, value)));
  select.value = wanted.includes(current) ? current : '';
}

function matches(row, filters) {
  if (filters.status && row.status !== filters.status) return false;
  if (filters.tenant && row.tenant !== filters.tenant) return false;
  if (filters.model && row.model !== filters.model) return false;
  if (filters.node && row.node !== filters.node) return false;
  if (filters.age) {
    const ageSeconds = (Date.now() - row.created_at) / 1000;
    const [kind, limit] = filters.age.split(':');
    if (kind === 'under' ? ageSeconds > Number(limit) : ageSeconds <= Number(limit)) return false;
  }
  return true;
}

function cell(text, field, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (field) td.dataset.field = field;
  if (className) td.className = className;
  return td;
}

function renderList() {
  const rows = [...state.rows.values()];
  fillSelect($('#filter-tenant'), new Set(rows.map((r) => r.tenant)));
  fillSelect($('#filter-model'), new Set(rows.map((r) => r.model)));
  fillSelect($('#filter-node'), new Set(rows.map((r) => r.node)));
  const filters = {
    status: $('#filter-status').value, tenant: $('#filter-tenant').value, model: $('#filter-model').value,
    node: $('#filter-node').value, age: $('#filter-age').value,
  };
  const shown = rows.filter((row) => matches(row, filters)).sort((a, b) => b.created_at - a.created_at || (a.id < b.id ? 1 : -1));
  const body = $('#responses tbody');
  body.replaceChildren(...shown.slice(0, maxListed).map((row) => {
    const tr = document.createElement('tr');
    tr.dataset.id = row.id;
    tr.tabIndex = 0;
    const status = cell(row.status, 'status', `status status-${row.status}`);
    const durable = row.durable_sequence_number === null ? '–' : `${row.durable_sequence_number}`;
    tr.append(
      status,
      cell(row.id, 'id', 'mono'),
      cell(row.node + (row.node === state.node ? '' : ' ↗'), 'node'),
      cell(row.tenant, 'tenant'),
      cell(row.model, 'model'),
      cell(age(row.created_at), 'age'),
      cell(String(row.events), 'events', 'num'),
      cell(durable, 'durable', 'num'),
      cell(String(row.durable_lag), 'lag', row.durable_lag > 0 ? 'num lagging' : 'num'),
      cell(row.readers === null ? '–' : String(row.readers), 'readers', 'num'),
      cell(row.storage ?? '–', 'storage'),
    );
    tr.addEventListener('click', () => { location.hash = `#/responses/${row.id}`; });
    tr.addEventListener('keydown', (e) => { if (e.key === 'Enter') location.hash = `#/responses/${row.id}`; });
    return tr;
  }));
  const counts = {};
  for (const row of rows) counts[row.status] = (counts[row.status] ?? 0) + 1;
  $('#list-summary').textContent = `${shown.length} of ${rows.length} retained` +
    (shown.length > maxListed ? ` (first ${maxListed} shown)` : '') +
    (Object.keys(counts).length ? ' · ' + Object.entries(counts).map(([s, n]) => `${s} ${n}`).join(', ') : '');
  $('#cluster-error').hidden = !state.clusterError;
  $('#cluster-error').textContent = state.clusterError ? `Other nodes cannot be listed: ${state.clusterError}` : '';
}

for (const id of ['#filter-status', '#filter-tenant', '#filter-model', '#filter-node', '#filter-age']) {
  $(id).addEventListener('change', queueRender);
}

// ---- detail -----------------------------------------------------------------------------------------------------

function closeDetail() {
  state.detail?.controller.abort();
  state.detail = null;
}

function summaryOf(data) {
  if (data.type === 'response.output_text.delta') return JSON.stringify(data.delta);
  if (data.response) return `status ${data.response.status}` + (data.response.error ? ` · ${data.response.error.code}` : '');
  if (data.type === 'response.output_text.done') return `${data.text.length} characters`;
  return data.item_id ?? '';
}

function timeOf(ms) {
  const date = new Date(ms);
  return date.toLocaleTimeString(undefined, { hour12: false }) + '.' + String(date.getMilliseconds()).padStart(3, '0');
}

function addEvent(detail, event) {
  if (event.seq <= detail.lastSeq) return;
  detail.lastSeq = event.seq;
  detail.count++;
  const tr = document.createElement('tr');
  tr.dataset.seq = String(event.seq);
  tr.dataset.type = event.type;
  const durable = detail.durable !== null && event.seq <= detail.durable;
  tr.classList.toggle('durable', durable);
  tr.append(
    cell(String(event.seq), 'seq', 'num'),
    cell(event.type, 'type', 'mono'),
    cell(String(event.bytes), 'bytes', 'num'),
    cell(event.received === null ? 'before opening' : timeOf(event.received), 'time'),
    cell(durable ? '✓' : '', 'durable'),
    cell(summaryOf(event.data), 'payload', 'payload'),
  );
  tr.addEventListener('click', () => {
    const next = tr.nextElementSibling;
    if (next?.classList.contains('json')) { next.remove(); return; }
    const row = document.createElement('tr');
    row.className = 'json';
    const td = document.createElement('td');
    td.colSpan = 6;
    const pre = document.createElement('pre');
    pre.textContent = JSON.stringify(event.data, null, 2);
    td.append(pre);
    row.append(td);
    tr.after(row);
  });
  detail.body.append(tr);
  if (detail.count - detail.dropped > maxEventRows) {
    const oldest = detail.body.querySelector('tr[data-seq]');
    if (oldest.nextElementSibling?.classList.contains('json')) oldest.nextElementSibling.remove();
    oldest.remove();
    detail.dropped++;
  }
  if (terminalEvents.has(event.type)) {
    detail.terminal = true;
    detail.finalStatus = event.data.response?.status ?? null;
  }
}

function markDurable(detail, durable) {
  if (durable === null || durable === undefined || (detail.durable !== null && durable <= detail.durable)) return;
  detail.durable = durable;
  for (const tr of detail.body.querySelectorAll('tr[data-seq]:not(.durable)')) {
    if (Number(tr.dataset.seq) <= durable) {
      tr.classList.add('durable');
      tr.querySelector('[data-field=durable]').textContent = '✓';
    }
  }
}

function renderDetailSummary() {
  const detail = state.detail;
  if (!detail) return;
  const row = state.rows.get(detail.id);
  const summary = row ?? detail.summary;
  if (!summary) return;
  markDurable(detail, summary.durable_sequence_number);
  const status = row?.status ?? detail.finalStatus ?? summary.status;
  const statusCell = $('#detail-status');
  statusCell.textContent = row || detail.summary ? status : 'gone';
  statusCell.className = `status status-${status}`;
  $('#detail-meta').textContent = [
    `node ${row?.node ?? '?'}`, `tenant ${summary.tenant}`, `model ${summary.model}`, summary.background ? 'background' : 'foreground',
    `created ${new Date(summary.created_at).toLocaleTimeString(undefined, { hour12: false })}`,
    `${detail.count + detail.skipped} events` + (detail.skipped + detail.dropped > 0 ? ` (the latest ${maxEventRows} shown)` : ''),
    `durable through ${summary.durable_sequence_number ?? '–'}`,
    summary.readers === null || summary.readers === undefined ? null : `${summary.readers} readers`,
  ].filter(Boolean).join(' · ');
  $('#detail-follow').textContent = detail.error ?? (detail.terminal ? 'ended' : detail.following ? 'following live…' : 'loading…');
  $('#cancel').disabled = terminalStatuses.has(status);
}

async function openDetail(id) {
  closeDetail();
  const controller = new AbortController();
  const body = $('#events tbody');
  body.replaceChildren();
  const detail = { id, controller, body, lastSeq: -1, count: 0, dropped: 0, skipped: 0, durable: null, terminal: false, following: false, summary: null, finalStatus: null, error: null };
  state.detail = detail;
  $('#detail-id').textContent = id;
  $('#detail-result').textContent = '';
  resetDelete();
  renderDetailSummary();
  try {
    let after = null;
    const head = await fetchAuthorized(`../admin/responses/${encodeURIComponent(id)}?limit=1`, { signal: controller.signal });
    if (head.ok) {
      const last = (await head.json()).response.last_sequence_number;
      if (last >= maxEventRows) {
        after = last - maxEventRows;
        detail.skipped = after + 1;
      }
    }
    for (let page = 0; page < 10_000; page++) {
      const url = `../admin/responses/${encodeURIComponent(id)}?limit=1000` + (after === null ? '' : `&starting_after=${after}`);
      const response = await fetchAuthorized(url, { signal: controller.signal });
      if (response.status === 401) { keyRejected(); return; }
      if (!response.ok) {
        detail.error = response.status === 404 ? 'This response is gone (expired or deleted).' : `The server answered ${response.status}.`;
        renderDetailSummary();
        return;
      }
      const page_ = await response.json();
      detail.summary = page_.response;
      for (const e of page_.events) addEvent(detail, { seq: e.sequence_number, type: e.type, bytes: e.bytes, data: e.data, received: null });
      if (!page_.has_more || page_.events.length === 0) break;
      after = page_.events[page_.events.length - 1].sequence_number;
    }
    renderDetailSummary();
    if (!detail.terminal) await follow(detail);
  } catch (error) {
    if (controller.signal.aborted) return;
    detail.error = `Following stopped: ${error?.message ?? error}`;
  }
  renderDetailSummary();
}

async function follow(detail) {
  const encoder = new TextEncoder();
  for (let attempt = 0; attempt < 100 && !detail.terminal && !detail.controller.signal.aborted; attempt++) {
    detail.following = true;
    renderDetailSummary();
    const url = `../admin/responses/${encodeURIComponent(detail.id)}?stream=true&starting_after=${detail.lastSeq}`;
    try {
      const response = await fetchAuthorized(url, { signal: detail.controller.signal, headers: { Accept: 'text/event-stream' } });
      if (!response.ok) {
        detail.error = response.status === 404 ? 'This response is gone (expired or deleted).' : `The stream answered ${response.status}.`;
        return;
      }
      for await (const frame of readEvents(response)) {
        addEvent(detail, { seq: Number(frame.id), type: frame.event, bytes: encoder.encode(frame.raw).length, data: JSON.parse(frame.data), received: Date.now() });
        renderDetailSummary();
        if (detail.terminal) return;
      }
    } catch (error) {
      if (detail.controller.signal.aborted) return;
    }
    // The stream broke off before the end (a node restarting, a proxy): resume after the last event shown.
    await sleep(1000, detail.controller.signal);
  }
}

async function cancelShown() {
  const detail = state.detail;
  if (!detail) return;
  $('#detail-result').textContent = 'cancelling…';
  const response = await fetchAuthorized(`../admin/responses/${encodeURIComponent(detail.id)}/cancel`, { method: 'POST' });
  const body = await response.json().catch(() => null);
  $('#detail-result').textContent = response.ok ? `cancel: status ${body?.status}` : `cancel failed: ${body?.error?.message ?? response.status}`;
}

function resetDelete() {
  const button = $('#delete');
  button.dataset.armed = '';
  button.textContent = 'Delete…';
}

async function deleteShown() {
  const detail = state.detail;
  const button = $('#delete');
  if (!detail) return;
  if (!button.dataset.armed) {
    button.dataset.armed = 'yes';
    button.textContent = 'Confirm delete';
    return;
  }
  resetDelete();
  const response = await fetchAuthorized(`../admin/responses/${encodeURIComponent(detail.id)}`, { method: 'DELETE' });
  const body = await response.json().catch(() => null);
  if (response.ok) {
    location.hash = '#/';
  } else {
    $('#detail-result').textContent = `delete failed: ${body?.error?.message ?? response.status}`;
  }
}

$('#cancel').addEventListener('click', () => { cancelShown().catch((e) => { $('#detail-result').textContent = String(e); }); });
$('#delete').addEventListener('click', () => { deleteShown().catch((e) => { $('#detail-result').textContent = String(e); }); });

// ---- views ------------------------------------------------------------------------------------------------------

function route() {
  const match = /^#\/responses\/(resp_[A-Za-z0-9]+)$/.exec(location.hash);
  document.body.dataset.view = match ? 'detail' : 'list';
  if (match) {
    if (state.detail?.id !== match[1]) openDetail(match[1]);
  } else {
    closeDetail();
  }
}

window.addEventListener('hashchange', route);

// ---- health -----------------------------------------------------------------------------------------------------

let health = null;
let healthTimer = null;

function stopHealth() {
  clearTimeout(healthTimer);
  healthTimer = null;
  health = null;
}

function runHealth() {
  stopHealth();
  $('#health').replaceChildren();
  const panels = new HealthPanels($('#health'), fetchAuthorized, { metricsAvailable: state.settings.metrics, node: state.settings.node });
  health = panels;
  const tick = async () => {
    try {
      if (!(await panels.refresh())) { keyRejected(); return; }
    } catch {
      // A missed scrape leaves a gap in the charts; the next one fills on.
    }
    if (health === panels) healthTimer = setTimeout(tick, 2000);
  };
  healthTimer = setTimeout(tick, 0);
}

// ---- start ------------------------------------------------------------------------------------------------------

function start() {
  runFeed();
  runHealth();
  route();
}

setInterval(() => {
  for (const td of document.querySelectorAll('#responses td[data-field=age]')) {
    const row = state.rows.get(td.parentElement.dataset.id);
    if (row) td.textContent = age(row.created_at);
  }
}, 1000);

(async () => {
  const response = await fetch('settings', { cache: 'no-store' });
  state.settings = await response.json();
  $('#node').textContent = `node ${state.settings.node}`;
  $('#forget-key').hidden = !state.settings.key_required;
  if (state.settings.key_required && !state.key) {
    setConnection('locked');
    askForKey();
    return;
  }
  start();
})().catch((error) => { setConnection('error', String(error)); });

