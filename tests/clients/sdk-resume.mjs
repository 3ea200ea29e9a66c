// Drives a running Resumable server with the official `openai` SDK, exactly as an application would:
//   a. one uninterrupted background stream,
//   b. a second, identical stream abandoned after `cutAfterEvents` events,
//   c. the abandoned stream resumed with responses.retrieve(id, { stream: true, starting_after }),
//   d. the SDK's own resume helper responses.stream({ response_id }) and its finalResponse().
//
// Usage: node sdk-resume.mjs '{"input":"...","metadata":{"k":"v"},"cutAfterEvents":5}'
// Env:   RESUMABLE_BASE_URL (e.g. http://127.0.0.1:5123/v1), RESUMABLE_API_KEY (any string).
// Out:   one JSON line on stdout (see README.md); on any error a message on stderr and exit code 1.
import OpenAI from 'openai';

const TERMINAL_TYPES = new Set(['response.completed', 'response.failed', 'response.incomplete']);
const DEFAULT_TIMEOUT_MS = 60_000;

function die(error) {
  console.error(`sdk-resume: ${error?.stack ?? error}`);
  process.exit(1);
}

function parseArgs(raw) {
  if (!raw) throw new Error(`usage: node sdk-resume.mjs '{"input":"...","metadata":{},"cutAfterEvents":5}'`);
  const args = JSON.parse(raw);
  if (typeof args.input !== 'string') throw new Error('"input" must be a string');
  if (!Number.isInteger(args.cutAfterEvents) || args.cutAfterEvents < 1) {
    // At least one event is needed: response.created carries the response id we resume from.
    throw new Error('"cutAfterEvents" must be an integer >= 1');
  }
  return { metadata: {}, timeoutMs: DEFAULT_TIMEOUT_MS, ...args };
}

function baseUrlFromEnv() {
  const baseURL = process.env.RESUMABLE_BASE_URL;
  if (!baseURL) throw new Error('RESUMABLE_BASE_URL is not set');
  const { hostname } = new URL(baseURL);
  // These scripts are test clients: they only ever talk to a server on this machine.
  if (!/^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(hostname)) {
    throw new Error(`RESUMABLE_BASE_URL must point at a loopback address, got ${hostname}`);
  }
  return baseURL;
}

// Text of a Response object the way the API defines it: all output_text parts of all message items.
function outputTextOf(response) {
  return (response?.output ?? [])
    .filter((item) => item?.type === 'message')
    .flatMap((item) => item.content ?? [])
    .filter((part) => part?.type === 'output_text')
    .map((part) => part.text)
    .join('');
}

// Reads an SDK stream to its end (or until `limit` events) and summarises what it saw.
async function collect(stream, limit = Infinity) {
  const seen = { sequence: [], types: [], deltaText: '', responseId: null, terminal: null };
  for await (const event of stream) {
    seen.sequence.push(event.sequence_number);
    seen.types.push(event.type);
    if (event.type === 'response.created') seen.responseId = event.response?.id ?? null;
    if (event.type === 'response.output_text.delta') seen.deltaText += event.delta;
    if (TERMINAL_TYPES.has(event.type)) seen.terminal = event;
    // Leaving the loop early makes the SDK abort the underlying HTTP request (see Stream's finally).
    if (seen.sequence.length >= limit) break;
  }
  return seen;
}

async function main() {
  const args = parseArgs(process.argv[2]);
  const timer = setTimeout(() => die(new Error(`timed out after ${args.timeoutMs} ms`)), args.timeoutMs);

  const client = new OpenAI({
    baseURL: baseUrlFromEnv(),
    apiKey: process.env.RESUMABLE_API_KEY || 'resumable-test-key', // the SDK refuses an empty key
    // No silent retries: a test must see the server's first answer, and a retried POST would create
    // a second response.
    maxRetries: 0,
    timeout: 30_000,
  });
  const createParams = {
    model: 'synthetic',
    input: args.input,
    background: true,
    stream: true,
    metadata: args.metadata,
  };

  // a. Uninterrupted run.
  const full = await collect(await client.responses.create(createParams));
  if (!full.terminal) throw new Error(`uninterrupted stream ended without a terminal event: ${full.types.join(', ')}`);

  // b. Same request (the synthetic model is deterministic), abandoned after exactly k events.
  const cutStream = await client.responses.create(createParams);
  const cut = await collect(cutStream, args.cutAfterEvents);
  cutStream.controller.abort(); // already aborted by the `break`; explicit so intent is obvious
  if (cut.sequence.length < args.cutAfterEvents) {
    throw new Error(`stream ended after ${cut.sequence.length} events, before the cut at ${args.cutAfterEvents}`);
  }
  if (!cut.responseId) throw new Error('no response.created event before the cut, so no response id');
  const lastSeenSequence = cut.sequence.at(-1);

  // c. Resume where we stopped.
  const resumed = await collect(
    await client.responses.retrieve(cut.responseId, { stream: true, starting_after: lastSeenSequence }),
  );

  // d. The SDK helper: replays the whole stream by id and accumulates a Response snapshot.
  const helper = client.responses.stream({ response_id: cut.responseId });
  let helperDeltaText = '';
  helper.on('response.output_text.delta', (event) => {
    helperDeltaText += event.delta;
  });
  const helperFinal = await helper.finalResponse();

  clearTimeout(timer);
  const result = {
    uninterruptedText: full.deltaText,
    uninterruptedSequence: full.sequence,
    cutSequence: cut.sequence,
    resumedSequence: resumed.sequence,
    resumedText: cut.deltaText + resumed.deltaText,
    helperDeltaText,
    // `output_text` is the SDK's convenience property; fall back to the raw output just in case.
    helperFinalText: helperFinal.output_text ?? outputTextOf(helperFinal),
    helperFinalStatus: helperFinal.status ?? null,
    responseId: cut.responseId,
    lastSeenSequence,
    // Extras for diagnostics and ordering checks.
    uninterruptedTypes: full.types,
    uninterruptedFinalText: outputTextOf(full.terminal.response),
    uninterruptedStatus: full.terminal.response?.status ?? null,
    resumedTypes: resumed.types,
    resumedFinalText: resumed.terminal ? outputTextOf(resumed.terminal.response) : null,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

// Exit explicitly: pooled keep-alive sockets would otherwise keep the process alive a few seconds.
main().then(() => process.exit(0), die);
