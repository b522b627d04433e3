/**
 * The control plane for tests in another process (`/__control/…`): set scenarios, reset, reconfigure,
 * read the recorded requests. Control calls need no key and are not recorded.
 */
import type * as http from 'node:http';
import { isObj, readBody, sendJson } from './httpHelpers';
import type { Scenario } from './scenario';
import type { ProviderTestServer, ServerRuntime } from './serverContext';
import type { ServerConfigPatch } from './serverOptions';

export async function answerControl(server: ProviderTestServer & ServerRuntime, req: http.IncomingMessage, res: http.ServerResponse, path: string): Promise<void> {
  const { text } = await readBody(req, server.opts.maxBodyBytes);
  let body: unknown;
  try {
    body = text.trim() === '' ? null : JSON.parse(text);
  } catch {
    return sendJson(res, 400, { ok: false, error: 'invalid JSON' });
  }
  const op = path.slice('/__control/'.length);
  if (req.method === 'GET' && op === 'requests') return sendJson(res, 200, server.requests);
  if (req.method === 'GET' && op === 'health') return sendJson(res, 200, { ok: true, flavor: server.flavor });
  if (req.method !== 'POST') return sendJson(res, 405, { ok: false });
  switch (op) {
    case 'scenario':
      server.setScenario(body as Scenario | Scenario[] | null);
      return sendJson(res, 200, { ok: true });
    case 'reset':
      server.reset();
      return sendJson(res, 200, { ok: true });
    case 'config':
      if (!isObj(body)) return sendJson(res, 400, { ok: false, error: 'expected an object' });
      server.configure(body as ServerConfigPatch);
      return sendJson(res, 200, { ok: true });
    default:
      return sendJson(res, 404, { ok: false, error: `unknown control ${op}` });
  }
}
