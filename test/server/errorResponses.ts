/** HTTP error answers in each flavor's words: 401s, 404s, and the errors a scenario or a bad request calls for. */
import { createHash } from 'node:crypto';
import type * as http from 'node:http';
import { contextOverflowBody, defaultErrorShape, errorBody, systemPromptRejectionBody } from './errorBodies';
import type { Flavor } from './flavor';
import { type Json, sendJson } from './httpHelpers';
import type { ErrorKind, ErrorSpec } from './scenario';
import type { RequestContext, ServerRuntime } from './serverContext';
import { contextOf } from './serverOptions';

function maskKey(key: string): string {
  return `sk-...${key.slice(-4)}`;
}

export function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return m ? (m[1] ?? '').trim() : undefined;
}

/** The 401 body each flavor sends. */
export function unauthorizedBody(flavor: Flavor, authHeader: string | undefined, path: string): Json {
  const key = bearer(authHeader);
  switch (flavor) {
    case 'litellm': {
      const message = key === undefined
        ? 'Authentication Error, No api key passed in.'
        : `Authentication Error, Invalid proxy server token passed. Received API Key = ${maskKey(key)}, Key Hash (Token) =${createHash('sha256').update(key).digest('hex')}. Unable to find token in cache or \`LiteLLM_VerificationTokenTable\``;
      return { error: { message, type: 'auth_error', param: 'None', code: '401' } };
    }
    case 'vllm':
      return { error: 'Unauthorized' };
    case 'llamacpp':
      return { error: { code: 401, message: 'Invalid API Key', type: 'authentication_error' } };
    case 'aimlapi':
      return errorBody('aimlapi', 401, 'Unauthorized', { path });
    case 'openrouter':
      return { error: { message: key === undefined ? 'No auth credentials found' : 'User not found.', code: 401 } };
    case 'koboldcpp':
      return errorBody('openai', 401, 'Invalid API key', { type: 'AuthenticationError' });
  }
}

const KIND_STATUS: Record<ErrorKind, number> = {
  badRequest: 400, contextOverflow: 400, unauthorized: 401, noCredits: 402, forbidden: 403, notFound: 404,
  timeout: 408, rateLimit: 429, systemPromptRejected: 500, serverError: 500, badGateway: 502, unavailable: 503,
  malformedJson: 400,
};

function kindForStatus(status: number): ErrorKind {
  switch (status) {
    case 401: return 'unauthorized';
    case 402: return 'noCredits';
    case 403: return 'forbidden';
    case 404: return 'notFound';
    case 408: return 'timeout';
    case 429: return 'rateLimit';
    case 502: return 'badGateway';
    case 503: return 'unavailable';
    default: return status >= 500 ? 'serverError' : 'badRequest';
  }
}

function defaultMessage(kind: ErrorKind, flavor: Flavor, model: string): string {
  const ll = flavor === 'litellm';
  switch (kind) {
    case 'badRequest': return ll ? 'litellm.BadRequestError: OpenAIException - Bad request' : 'Bad request';
    case 'contextOverflow': return '';
    case 'unauthorized': return 'Unauthorized';
    case 'noCredits':
      return flavor === 'openrouter'
        ? 'This request requires more credits, or fewer max_tokens. Add more credits and retry the request.'
        : 'Insufficient credits';
    case 'forbidden': return ll ? `Authentication Error - API Key not allowed to access model=${model}` : 'Forbidden';
    case 'notFound': return ll ? `litellm.NotFoundError: NotFoundError: OpenAIException - The model \`${model}\` does not exist.` : `The model \`${model}\` does not exist.`;
    case 'timeout': return ll ? 'litellm.Timeout: Request timed out' : 'Request timed out';
    case 'rateLimit':
      if (flavor === 'aimlapi') return 'Free-tier limit: You have reached the request limit for the free tier. Please try again later.';
      if (flavor === 'openrouter') return 'Rate limit exceeded: limit_rpm/test/requests. High demand for this model. Please retry shortly.';
      return ll ? 'litellm.RateLimitError: RateLimitError: OpenAIException - Rate limit reached for requests' : 'Rate limit exceeded';
    case 'systemPromptRejected': return '';
    case 'serverError': return ll ? 'litellm.InternalServerError: InternalServerError: OpenAIException - Internal Server Error' : 'Internal Server Error';
    case 'badGateway': return flavor === 'openrouter' ? 'Provider returned error' : 'Bad Gateway';
    case 'unavailable':
      if (flavor === 'llamacpp') return 'Loading model';
      return ll ? 'litellm.ServiceUnavailableError: ServiceUnavailableError: OpenAIException - Service Unavailable' : 'Service Unavailable';
    case 'malformedJson':
      return flavor === 'llamacpp'
        ? '[json.exception.parse_error.101] parse error at line 1, column 1: syntax error while parsing value - invalid literal; last read: \'{\''
        : ll ? 'litellm.BadRequestError: Invalid JSON payload received.' : 'JSON decode error';
  }
}

export function notFound(res: http.ServerResponse, flavor: Flavor, path: string): void {
  if (flavor === 'llamacpp') return sendJson(res, 404, { error: { code: 404, message: 'File Not Found', type: 'not_found_error' } });
  if (flavor === 'aimlapi') return sendJson(res, 404, errorBody('aimlapi', 404, `Cannot POST ${path}`, { path }));
  if (flavor === 'openrouter') return sendJson(res, 404, errorBody('openrouter', 404, 'Not Found'));
  return sendJson(res, 404, { detail: 'Not Found' });
}

export function sendError(
  server: ServerRuntime,
  ctx: RequestContext,
  spec: ErrorSpec,
  info: { model: string; promptTokens?: number; maxTokens?: number | undefined },
): void {
  const flavor = server.opts.flavor;
  const status = spec.status ?? (spec.kind ? KIND_STATUS[spec.kind] : 500);
  const kind = spec.kind ?? kindForStatus(status);
  const headers: Record<string, string> = { ...(spec.headers ?? {}) };
  const retry = spec.retryAfterSeconds === undefined ? (status === 429 ? 1 : undefined) : spec.retryAfterSeconds;
  if (retry !== undefined && retry !== null) headers['Retry-After'] = String(retry);
  if (spec.rawBody !== undefined) {
    if (ctx.res.destroyed) return;
    ctx.res.writeHead(status, { 'Content-Type': spec.contentType ?? 'text/html', 'Content-Length': String(Buffer.byteLength(spec.rawBody)), ...headers });
    ctx.res.end(spec.rawBody);
    return;
  }
  if (spec.body !== undefined) return sendJson(ctx.res, status, spec.body, headers);
  const shape = spec.shape ?? defaultErrorShape(flavor);
  let body: unknown;
  if (kind === 'contextOverflow') {
    const ctxLen = contextOf(server.opts, info.model);
    const mt = info.maxTokens;
    const prompt = Math.max(info.promptTokens ?? 0, ctxLen - (mt ?? 0) + 1);
    body = contextOverflowBody(flavor, ctxLen, prompt, mt, spec.shape);
    if (spec.message !== undefined) body = errorBody(shape, status, spec.message);
  } else if (kind === 'systemPromptRejected' && spec.message === undefined && spec.shape === undefined) {
    body = systemPromptRejectionBody(info.model);
  } else if (kind === 'unauthorized' && spec.message === undefined && spec.shape === undefined) {
    body = unauthorizedBody(flavor, ctx.rec.authorization, ctx.path);
  } else {
    body = errorBody(shape, status, spec.message ?? defaultMessage(kind, flavor, info.model), { path: ctx.path });
  }
  sendJson(ctx.res, status, body, headers);
}
