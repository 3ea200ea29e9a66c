// Checks that a plain, spec-following EventSource client resumes a Resumable stream by itself after
// its connection is cut, using the standard `Last-Event-ID` request header.
//
//   1. POST /responses {background: true} with fetch (non-streaming) -> {id, status: "queued"}.
//   2. Start a loopback TCP proxy in front of the server that kills the FIRST connection after
//      `cutAfterBytes` bytes of the server's response (headers included); later connections pass
//      through untouched. It records each connection's `Last-Event-ID` request header.
//   3. Open an EventSource (npm `eventsource`) on <proxy>/responses/{id}?stream=true and let it
//      reconnect on its own; close it on the terminal event.
//   4. GET /responses/{id} directly and read the final output text.
//
// Usage: node eventsource-resume.mjs '{"input":"...","metadata":{"k":"v"},"cutAfterBytes":600}'
// Env:   RESUMABLE_BASE_URL (e.g. http://127.0.0.1:5123/v1), RESUMABLE_API_KEY (any string).
// Out:   one JSON line on stdout (see README.md); on any error a message on stderr and exit code 1.
import net from 'node:net';
import { EventSource } from 'eventsource';

const EVENT_TYPES = [
  'response.created',
  'response.queued',
  'response.in_progress',
  'response.output_item.added',
  'response.content_part.added',
  'response.output_text.delta',
  'response.output_text.done',
  'response.content_part.done',
  'response.output_item.done',
  'response.completed',
  'response.failed',
  'response.incomplete',
];
const TERMINAL_TYPES = new Set(['response.completed', 'response.failed', 'response.incomplete']);
const DEFAULT_TIMEOUT_MS = 60_000;

function die(error) {
  console.error(`eventsource-resume: ${error?.stack ?? error}`);
  process.exit(1);
}

function parseArgs(raw) {
  if (!raw) throw new Error(`usage: node eventsource-resume.mjs '{"input":"...","metadata":{},"cutAfterBytes":600}'`);
  const args = JSON.parse(raw);
  if (typeof args.input !== 'string') throw new Error('"input" must be a string');
  if (!Number.isInteger(args.cutAfterBytes) || args.cutAfterBytes < 0) {
    throw new Error('"cutAfterBytes" must be an integer >= 0');
  }
  return { metadata: {}, timeoutMs: DEFAULT_TIMEOUT_MS, ...args };
}

function targetFromEnv() {
  const raw = process.env.RESUMABLE_BASE_URL;
  if (!raw) throw new Error('RESUMABLE_BASE_URL is not set');
  const url = new URL(raw);
  if (url.protocol !== 'http:') throw new Error(`only http:// base URLs are supported, got ${url.protocol}`);
  // These scripts are test clients: they only ever talk to a server on this machine.
  if (!/^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(url.hostname)) {
    throw new Error(`RESUMABLE_BASE_URL must point at a loopback address, got ${url.hostname}`);
  }
  return {
    baseUrl: raw.replace(/\/+$/, ''),
    basePath: url.pathname.replace(/\/+$/, ''),
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: Number(url.port || 80),
  };
}

// Value of `Last-Event-ID` in a raw HTTP/1.1 request head, or null when absent.
function lastEventIdOf(head) {
  const match = /^last-event-id:[ \t]*(.*?)[ \t]*$/im.exec(head);
  return match ? match[1] : null;
}

// A byte-counting TCP proxy. Only the first connection is cut: that is the "network drop" the
// EventSource has to survive; its reconnection must go through untouched.
function startCuttingProxy({ host, port }, cutAfterBytes) {
  const lastEventIdHeaders = []; // one entry per connection, from that connection's first request head
  const sockets = new Set();

  const server = net.createServer((client) => {
    const index = lastEventIdHeaders.length;
    lastEventIdHeaders.push(null);
    const upstream = net.connect({ host, port });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    }
    const destroyBoth = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', destroyBoth);
    upstream.on('error', destroyBoth);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.end());

    // Client -> server: forward as-is, but sniff the first request head for Last-Event-ID.
    let head = '';
    let headDone = false;
    client.on('data', (chunk) => {
      if (!headDone) {
        head += chunk.toString('latin1');
        const end = head.indexOf('\r\n\r\n');
        if (end !== -1) {
          headDone = true;
          lastEventIdHeaders[index] = lastEventIdOf(head.slice(0, end));
        }
      }
      upstream.write(chunk);
    });

    // Server -> client: count bytes on the first connection and cut it at exactly cutAfterBytes.
    let forwarded = 0;
    let cut = false;
    upstream.on('data', (chunk) => {
      if (cut) return;
      if (index === 0 && forwarded + chunk.length >= cutAfterBytes) {
        cut = true;
        upstream.pause();
        // Destroy only once the bytes are flushed, and with a FIN rather than an RST: an RST can make
        // the kernel drop data the client has not read yet, which would make the cut point random.
        client.write(chunk.subarray(0, cutAfterBytes - forwarded), destroyBoth);
        return;
      }
      forwarded += chunk.length;
      client.write(chunk);
    });
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: server.address().port,
        lastEventIdHeaders,
        close() {
          for (const socket of sockets) socket.destroy();
          server.close();
        },
      }),
    );
  });
}

async function fetchJson(url, init) {
  const response = await fetch(url, init);
  const body = await response.text();
  if (response.status !== 200) throw new Error(`${init?.method ?? 'GET'} ${url} -> ${response.status}: ${body}`);
  return JSON.parse(body);
}

// Opens the EventSource and resolves once a terminal event arrived. Reconnection is left entirely to
// the eventsource package. Its reconnect delay defaults to 3000 ms (`#reconnectInterval = 3000` in
// eventsource 4.x) and there is no constructor option to change it: only a `retry: <ms>` field sent by
// the server can. We do not rewrite the stream to inject one, so a cut costs ~3 s unless the server
// sends `retry:` itself.
function streamWithEventSource(url, authorization) {
  const seen = { text: '', sequence: [], events: [], connectionErrors: [] };
  return new Promise((resolve, reject) => {
    const es = new EventSource(url, {
      // The WHATWG EventSource API has no way to set headers; this package's `fetch` option does.
      fetch: (input, init) => fetch(input, { ...init, headers: { ...init.headers, Authorization: authorization } }),
    });
    const fail = (error) => {
      es.close();
      reject(error);
    };

    const onEvent = (event) => {
      let data;
      try {
        data = JSON.parse(event.data);
      } catch {
        fail(new Error(`event "${event.type}" (id ${event.lastEventId}) has non-JSON data: ${event.data}`));
        return;
      }
      // The framing contract: `event:` equals data.type and `id:` equals data.sequence_number.
      if (data?.type !== event.type || String(data?.sequence_number) !== event.lastEventId) {
        fail(new Error(`inconsistent event: name "${event.type}", id "${event.lastEventId}", data ${event.data}`));
        return;
      }
      seen.sequence.push(data.sequence_number);
      seen.events.push({ type: event.type, lastEventId: event.lastEventId, sequence_number: data.sequence_number });
      if (event.type === 'response.output_text.delta') seen.text += data.delta;
      if (TERMINAL_TYPES.has(event.type)) {
        es.close(); // otherwise the EventSource would reconnect once the server ends the stream
        resolve(seen);
      }
    };
    for (const type of EVENT_TYPES) es.addEventListener(type, onEvent);
    // Events without an `event:` line (or named `message`) land here; they fail the consistency check
    // above, so a framing bug is reported instead of vanishing.
    es.addEventListener('message', onEvent);

    es.addEventListener('error', (event) => {
      if (typeof event.data === 'string') {
        onEvent(event); // a server-sent `event: error`, not a connection problem
        return;
      }
      seen.connectionErrors.push(event.message ?? 'error');
      // CLOSED means the package gave up (non-200, wrong content type, 204): it will not reconnect.
      if (es.readyState === EventSource.CLOSED) {
        fail(new Error(`EventSource failed without reconnecting: ${event.code ?? ''} ${event.message ?? ''}`));
      }
    });
  });
}

async function main() {
  const args = parseArgs(process.argv[2]);
  setTimeout(() => die(new Error(`timed out after ${args.timeoutMs} ms`)), args.timeoutMs);
  const target = targetFromEnv();
  const authorization = `Bearer ${process.env.RESUMABLE_API_KEY || 'resumable-test-key'}`;

  const created = await fetchJson(`${target.baseUrl}/responses`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: authorization },
    body: JSON.stringify({ model: 'synthetic', input: args.input, background: true, metadata: args.metadata }),
  });
  if (typeof created.id !== 'string' || created.status !== 'queued') {
    throw new Error(`expected {"id", "status":"queued"} from the background create, got ${JSON.stringify(created)}`);
  }

  const proxy = await startCuttingProxy(target, args.cutAfterBytes);
  try {
    const streamUrl = `http://127.0.0.1:${proxy.port}${target.basePath}/responses/${encodeURIComponent(created.id)}?stream=true`;
    const seen = await streamWithEventSource(streamUrl, authorization);

    const final = await fetchJson(`${target.baseUrl}/responses/${encodeURIComponent(created.id)}`, {
      headers: { Authorization: authorization },
    });
    const finalText = (final.output ?? [])
      .flatMap((item) => item?.content ?? [])
      .filter((part) => typeof part?.text === 'string')
      .map((part) => part.text)
      .join('');

    const result = {
      text: seen.text,
      finalText,
      sequence: seen.sequence,
      connections: proxy.lastEventIdHeaders.length,
      lastEventIdHeaders: proxy.lastEventIdHeaders,
      responseId: created.id,
      // Extras for diagnostics.
      finalStatus: final.status ?? null,
      events: seen.events,
      connectionErrors: seen.connectionErrors,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    proxy.close();
  }
}

// Exit explicitly: pooled keep-alive sockets would otherwise keep the process alive a few seconds.
main().then(() => process.exit(0), die);
