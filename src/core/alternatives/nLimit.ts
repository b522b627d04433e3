// llama.cpp takes `n` up to its slot count (`--parallel`) and refuses more with a 400 that names the
// limit: {"error":{"code":400,"message":"Field 'n': Value must be between 1 <= value <= 2, but got 3",
// "type":"invalid_request_error"}} (docs/story.md). Read the limit, so the request can be sent again
// with that many and the rest gathered by parallel requests.

const N_LIMIT = /Field 'n'[^]*?between\s+1\s*<=\s*value\s*<=\s*(\d{1,3})/i;

/** The largest `n` a server's refusal allows, or undefined when the message is not that refusal. */
export function nLimitFrom(message: string | undefined): number | undefined {
  const match = N_LIMIT.exec(message ?? '');
  if (!match) return undefined;
  const limit = Number(match[1]);
  return limit >= 1 ? limit : undefined;
}
