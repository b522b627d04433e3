/**
 * A generation request (…/completions, …/chat/completions): its checks in the flavor's words (model,
 * n, system prompt, context size, logprobs), then the pieces to send and the plan of the answer.
 */
import { contextOverflowBody } from './errorBodies';
import { sendError } from './errorResponses';
import type { Mode } from './flavor';
import { sendNonStream, sendStream } from './generationResponse';
import { isObj, num, sendJson } from './httpHelpers';
import { logprobsAsked, logprobsSeed, logprobsSpecFor, VLLM_MAX_LOGPROBS, vllmLogprobsLimitMessage } from './logprobsRequest';
import { planLogprobs } from './logprobsWire';
import { messagesText, promptText } from './promptText';
import { makeId } from './responseShapes';
import type { ErrorSpec } from './scenario';
import type { RequestContext, ServerRuntime } from './serverContext';
import { contextOf, findModel, firstModel, LLAMACPP_SLOTS } from './serverOptions';
import { planStream } from './streamPlan';
import { countTokens, fnv1a, generateProse, UNICODE_PIECES } from './tokenText';

export async function answerGeneration(server: ServerRuntime, mode: Mode, ctx: RequestContext, body: unknown, badJson: boolean, scenarioError: ErrorSpec | undefined): Promise<void> {
  const o = server.opts;
  const flavor = o.flavor;
  const spec = ctx.sc?.spec;
  if (badJson) return sendError(server, ctx, { kind: 'malformedJson', status: flavor === 'llamacpp' ? 500 : 400 }, { model: '' });
  if (!isObj(body)) return sendError(server, ctx, { kind: 'badRequest', message: 'Request body must be a JSON object' }, { model: '' });

  const model = typeof body['model'] === 'string' ? body['model'] : firstModel(server.opts).id;
  let prompt: { text: string; tokens: number };
  if (mode === 'chat') {
    if (!Array.isArray(body['messages'])) {
      return sendError(server, ctx, { kind: 'badRequest', message: flavor === 'litellm' ? 'litellm.BadRequestError: messages is required' : "Field required: 'messages'" }, { model });
    }
    const text = messagesText(body['messages']);
    prompt = { text, tokens: countTokens(text) };
  } else {
    prompt = promptText(body['prompt']);
  }
  let maxReq = num(body['max_tokens']) ?? num(body['max_completion_tokens']);
  if (maxReq === undefined && (flavor === 'llamacpp' || flavor === 'koboldcpp')) {
    const np = num(body['n_predict']) ?? num(body['max_length']);
    if (np !== undefined && np >= 0) maxReq = np;
  }
  const info = { model, promptTokens: prompt.tokens, maxTokens: maxReq };
  if (scenarioError) return sendError(server, ctx, scenarioError, info);

  if (!findModel(server.opts, model) && o.rejectUnknownModels) {
    return flavor === 'litellm'
      ? sendError(server, ctx, { status: 400, message: `litellm.BadRequestError: Invalid model name passed in model=${model}. Call \`/v1/models\` to view available models for your key.` }, info)
      : sendError(server, ctx, { kind: 'notFound' }, info);
  }
  const n = num(body['n']) ?? 1;
  if (flavor === 'llamacpp' && Number.isInteger(n) && n > LLAMACPP_SLOTS) {
    // llama-server's own words (docs/story.md): n is at most its --parallel slot count.
    const message = `Field 'n': Value must be between 1 <= value <= ${LLAMACPP_SLOTS}, but got ${n}`;
    return sendError(server, ctx, { status: 400, body: { error: { code: 400, message, type: 'invalid_request_error' } } }, info);
  }
  if (n < 1 || n > 16 || !Number.isInteger(n)) {
    return sendError(server, ctx, { kind: 'badRequest', message: 'n must be between 1 and 16' }, info);
  }
  if (mode === 'chat' && o.systemPromptRejectingModels.includes(model)) {
    const msgs = body['messages'] as unknown[];
    if (msgs.some((m) => isObj(m) && m['role'] === 'system')) return sendError(server, ctx, { kind: 'systemPromptRejected' }, info);
  }
  const ctxLen = contextOf(server.opts, model);
  const over = flavor === 'llamacpp' ? prompt.tokens > ctxLen : prompt.tokens + (maxReq ?? 0) > ctxLen;
  if (over) {
    const ovBody = contextOverflowBody(flavor, ctxLen, prompt.tokens, maxReq);
    return sendJson(ctx.res, 400, ovBody);
  }

  let maxTokens: number;
  if (maxReq !== undefined) maxTokens = maxReq;
  else if (mode === 'completions' && (flavor === 'vllm' || flavor === 'litellm' || flavor === 'aimlapi')) maxTokens = 16;
  else maxTokens = Math.min(o.defaultMaxTokens, Math.max(0, ctxLen - prompt.tokens));
  if (spec?.ignoreMaxTokens) maxTokens = spec.ignoreMaxTokens.tokens;
  maxTokens = Math.max(0, Math.min(Math.floor(maxTokens), o.maxStreamTokens));

  const script = spec?.script ?? (spec?.unicode ? UNICODE_PIECES : o.script.length > 0 ? o.script : undefined);
  const loop = spec?.scriptLoop ?? o.scriptLoop;
  const pieces: string[][] = [];
  const choices = flavor === 'koboldcpp' ? 1 : n;
  for (let c = 0; c < choices; c++) {
    if (script && script.length > 0) {
      if (loop) {
        const out: string[] = [];
        for (let i = 0; i < maxTokens; i++) out.push(script[i % script.length] ?? '');
        pieces.push(out);
      } else {
        pieces.push([...script]);
      }
    } else if (script) {
      pieces.push([]);
    } else {
      pieces.push(generateProse(`${model}\n${prompt.text}`, maxTokens, c));
    }
  }
  const asked = logprobsAsked(mode, body);
  let logprobs: ReturnType<typeof planLogprobs> | undefined;
  if (asked !== undefined && o.logprobs.support !== 'ignore') {
    if (o.logprobs.support === 'reject') {
      const message = `${flavor === 'litellm' ? 'litellm.BadRequestError: ' : ''}logprobs is not supported for this model`;
      return sendError(server, ctx, { kind: 'badRequest', message }, info);
    }
    if (asked > VLLM_MAX_LOGPROBS && flavor !== 'llamacpp') return sendError(server, ctx, { kind: 'badRequest', message: vllmLogprobsLimitMessage(asked) }, info);
    const spec = logprobsSpecFor(flavor, mode, o.logprobs, asked, logprobsSeed(model, prompt.text));
    logprobs = planLogprobs(pieces, spec, o.logprobs.splitCharacters ?? false);
  }
  const stopRaw = body['stop'];
  const stop = typeof stopRaw === 'string' ? [stopRaw] : Array.isArray(stopRaw) ? stopRaw.filter((s): s is string => typeof s === 'string').slice(0, 4) : [];
  const so = body['stream_options'];
  const includeUsage = isObj(so) && so['include_usage'] === true;
  const seq = server.nextResponseSeq();
  const created = Math.floor(o.clock() / 1000);
  const planInput = {
    flavor,
    mode,
    model,
    pieces: logprobs ? logprobs.pieces : pieces,
    ...(logprobs ? { logprobs: logprobs.logprobs } : {}),
    n: choices,
    maxTokens,
    stop,
    includeUsage,
    promptTokens: prompt.tokens,
    id: makeId(flavor, mode, `${seq}|${model}|${fnv1a(prompt.text)}`),
    created,
    ...(spec?.midStreamError ? { midStreamError: spec.midStreamError } : {}),
    ...(spec?.truncate ? { truncateAfterTokens: spec.truncate.afterTokens } : {}),
  };

  if (body['stream'] !== true) return sendNonStream(server, ctx, planInput, info);
  const { items } = planStream(planInput);
  await sendStream(server, ctx, items);
}
