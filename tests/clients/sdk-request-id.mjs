// Asks for a response that does not exist with the official `openai` SDK and reports the request id the SDK read
// from the answer's x-request-id header into its error, as an application would log it.
//
// Usage: node sdk-request-id.mjs '{"id":"resp_missing"}'
// Env:   RESUMABLE_BASE_URL (e.g. http://127.0.0.1:5123/v1), RESUMABLE_API_KEY.
// Out:   one JSON line: {"status", "requestId", "message"}; on any other error a message on stderr and exit code 1.
import OpenAI from 'openai';

try {
  const args = JSON.parse(process.argv[2] ?? '{}');
  const client = new OpenAI({ baseURL: process.env.RESUMABLE_BASE_URL, apiKey: process.env.RESUMABLE_API_KEY, maxRetries: 0, timeout: 30_000 });
  try {
    await client.responses.retrieve(args.id);
    throw new Error(`retrieving ${args.id} succeeded`);
  } catch (error) {
    if (!(error instanceof OpenAI.APIError)) throw error;
    console.log(JSON.stringify({ status: error.status, requestId: error.requestID ?? null, message: error.message }));
  }
} catch (error) {
  console.error(`sdk-request-id: ${error?.stack ?? error}`);
  process.exit(1);
}
