// Reads a background response through the `eventsource` package (the browser EventSource API for Node)
// while a TCP proxy in this script cuts the first connection after `cutAfterBytes` bytes of the
// server's answer. EventSource must reconnect by itself, sending Last-Event-ID, and the text it
// assembles must equal the response's final text exactly once.
//
// Usage: node eventsource-resume.mjs '{"input":"...","metadata":{"k":"v"},"cutAfterBytes":1500}'
// Env:   RESUMABLE_BASE_URL (e.g. http://127.0.0.1:5123/v1), RESUMABLE_API_KEY.
// Out:   one JSON line: {"text","finalText","sequence","connections","lastEventIdHeaders","responseId"}.
import net from 'node:net';
import { EventSource } from 'eventsource';

const TIMEOUT_MS = 60_000;
const EVENT_TYPES = [
  'response.created', 'response.queued', 'response.in_progress', 'response.output_item.added',
  'response.content_part.added', 'response.output_text.delta', 'response.output_text.done',
  'response.content_part.done', 'response.output_item.done',
  'response.completed', 'response.failed', 'response.incomplete',
];
const TERMINAL = new Set(['response.completed', 'response.failed', 'response.incomplete']);

function die(error) {
  console.error(`eventsource-resume: ${error?.stack ?? error}`);
  process.exit(1);
}

// A loopback proxy that forwards everything, except that the first connection is destroyed after
// `cutAfterBytes` bytes from the server. It records each request's Last-Event-ID header.
function startCuttingProxy(target, cutAfterBytes) {
  const state = { connections: 0, lastEventIdHeaders: [] };
  const server = net.createServer((client) => {
    const index = state.connections++;
    state.lastEventIdHeaders[index] = null;
    const upstream = net.connect(Number(target.port), target.hostname);
    let head = '';
    client.on('data', (chunk) => {
      if (head !== null) {
        head += chunk.toString('latin1');
        const end = head.indexOf('\r\n\r\n');
        if (end >= 0) {
          const match = /^last-event-id:\s*(.*)$/im.exec(head.slice(0, end));
          state.lastEventIdHeaders[index] = match ? match[1].trim() : null;
          head = null;
        }
      }
      upstream.write(chunk);
    });
    let forwarded = 0;
    upstream.on('data', (chunk) => {
      if (index === 0 && forwarded + chunk.length >= cutAfterBytes) {
        client.write(chunk.subarray(0, Math.max(0, cutAfterBytes - forwarded)));
        forwarded = cutAfterBytes;
        // Cut both sides, as a dropped network would.
        client.destroy();
        upstream.destroy();
        return;
      }
      forwarded += chunk.length;
      client.write(chunk);
    });
    const close = () => { client.destroy(); upstream.destroy(); };
    client.on('error', close);
    upstream.on('error', close);
    client.on('close', close);
    upstream.on('close', close);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, state, port: server.address().port })));
}

async function main() {
  const args = JSON.parse(process.argv[2] ?? '{}');
  const baseUrl = new URL(process.env.RESUMABLE_BASE_URL ?? die(new Error('RESUMABLE_BASE_URL is not set')));
  if (!/^(127\.\d+\.\d+\.\d+|localhost)$/.test(baseUrl.hostname)) die(new Error('loopback only'));
  const auth = { Authorization: `Bearer ${process.env.RESUMABLE_API_KEY ?? ''}` };
  const timer = setTimeout(() => die(new Error(`timed out after ${TIMEOUT_MS} ms`)), TIMEOUT_MS);

  const created = await fetch(`${baseUrl.href}/responses`, {
    method: 'POST',
    headers: { ...auth, 'Content-Type': 'application/json' },
    body: JSON.stringify({ model: 'synthetic', input: args.input, background: true, metadata: args.metadata ?? {} }),
  });
  if (created.status !== 200) throw new Error(`create answered ${created.status}: ${await created.text()}`);
  const { id, status } = await created.json();
  if (status !== 'queued') throw new Error(`expected status queued, got ${status}`);

  const proxy = await startCuttingProxy(baseUrl, args.cutAfterBytes ?? 1500);
  const streamUrl = `http://127.0.0.1:${proxy.port}${baseUrl.pathname}/responses/${id}?stream=true`;
  const sequence = [];
  let text = '';
  await new Promise((resolve, reject) => {
    // The package reconnects after its reconnection time (3 s unless the server sends `retry:`).
    const source = new EventSource(streamUrl, {
      fetch: (input, init) => fetch(input, { ...init, headers: { ...init.headers, ...auth } }),
    });
    for (const type of EVENT_TYPES) {
      source.addEventListener(type, (event) => {
        const data = JSON.parse(event.data);
        if (data.type !== type || String(data.sequence_number) !== event.lastEventId) {
          reject(new Error(`inconsistent event: ${type} id ${event.lastEventId} data ${event.data}`));
        }
        sequence.push(data.sequence_number);
        if (type === 'response.output_text.delta') text += data.delta;
        if (TERMINAL.has(type)) {
          source.close();
          resolve();
        }
      });
    }
  });

  const final = await (await fetch(`${baseUrl.href}/responses/${id}`, { headers: auth })).json();
  const finalText = final.output.flatMap((item) => item.content ?? []).map((part) => part.text).join('');
  proxy.server.close();
  clearTimeout(timer);
  console.log(JSON.stringify({
    text, finalText, sequence,
    connections: proxy.state.connections,
    lastEventIdHeaders: proxy.state.lastEventIdHeaders,
    responseId: id,
  }));
  process.exit(0);
}

main().catch(die);
