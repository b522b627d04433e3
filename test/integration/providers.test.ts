import * as assert from 'assert';
import * as http from 'http';
import * as path from 'path';
import * as vscode from 'vscode';
import { startCaptureServer, startProviderTestServer } from '../server/providerTestServer';
import { inkwell, resetUserSettings, serverAsInfermatic, setUserSetting, TEST_KEY, waitFor } from './testKit';

describe('providers, keys and models', () => {
  afterEach(resetUserSettings);

  it('lists the models with the stored key, once per session', async () => {
    const api = await inkwell();
    const server = await serverAsInfermatic();
    try {
      const profile = api.services.targets.profile('infermatic')!;
      const models = await api.services.models.list(profile, { interactive: false, refresh: true });
      assert.ok(models.some((m) => m.id === 'Midnight-Miqu-70B-v1.5'));
      const again = await api.services.models.list(profile, { interactive: false });
      assert.deepEqual(again, models);
      const listed = server.requests.filter((r) => r.path === '/v1/models');
      assert.equal(listed.length, 1);
      assert.equal(listed[0].authorization, `Bearer ${TEST_KEY}`);
    } finally {
      await server.close();
    }
  });

  it('reports a refused key with the provider message and never shows or logs the key', async () => {
    const api = await inkwell();
    const canary = 'sk-canary-7f3e9a1c5b';
    const server = await serverAsInfermatic({ apiKeys: ['another-key'] });
    try {
      const profile = api.services.targets.profile('infermatic')!;
      await api.services.keys.set(profile, canary);
      await assert.rejects(api.services.models.list(profile, { interactive: false, refresh: true }), (error: Error & { kind?: string; status?: number }) => {
        assert.equal(error.kind, 'auth');
        assert.equal(error.status, 401);
        assert.match(error.message, /Authentication Error/);
        assert.ok(!error.message.includes(canary), 'the key is in the error message');
        return true;
      });
      assert.equal(server.requests[0].authorization, `Bearer ${canary}`, 'the canary key was not sent at all');
      const log = api.services.log.recentLines().join('\n');
      assert.match(log, /GET .*\/v1\/models/);
      assert.ok(!log.includes(canary), 'the key is in the log');
    } finally {
      await server.close();
    }
  });

  it('keeps the stored key when a new one is refused', async () => {
    const api = await inkwell();
    const server = await serverAsInfermatic();
    try {
      const profile = api.services.targets.profile('infermatic')!;
      await assert.rejects(api.services.models.tryKey(profile, 'sk-wrong-key-000'), (e: Error & { kind?: string }) => e.kind === 'auth');
      const lookup = await api.services.keys.lookup(profile);
      assert.deepEqual(lookup, { status: 'ok', key: TEST_KEY, from: 'secrets' });
    } finally {
      await server.close();
    }
  });

  it('brings back the model last used with a provider when switching to it', async () => {
    const api = await inkwell();
    const providers = api.services.targets;
    await setUserSetting('inkwell.provider', 'infermatic');
    await setUserSetting('inkwell.model', 'Midnight-Miqu-70B-v1.5');
    await providers.selectProvider('aimlapi');
    assert.deepEqual([providers.active().profile.id, providers.active().model], ['aimlapi', 'anthracite-org/magnum-v4-72b']);
    await providers.selectModel('some-other/model');
    await providers.selectProvider('infermatic');
    assert.equal(providers.active().model, 'Midnight-Miqu-70B-v1.5');
    await providers.selectProvider('aimlapi');
    assert.equal(providers.active().model, 'some-other/model');
  });

  it('sends no key on a redirect', async () => {
    const api = await inkwell();
    const capture = await startCaptureServer({ maxLifetimeMs: 60_000 });
    const server = await serverAsInfermatic();
    try {
      server.setScenario({ appliesTo: 'all', redirect: { location: capture.url, status: 307 } });
      const profile = api.services.targets.profile('infermatic')!;
      await assert.rejects(api.services.models.list(profile, { interactive: false, refresh: true }), /redirect/i);
      assert.ok(server.requests.some((r) => r.status === 307), 'the provider did not answer with the redirect');
      // A request of the test's own, sent now: one the extension had sent to the target before it gave up went
      // out first over the same loopback listener, which takes connections in order, and is recorded by then.
      await new Promise<void>((resolve, reject) => http.get(`${capture.url}/after-the-redirect`, (res) => res.resume().on('end', resolve)).on('error', reject));
      assert.deepEqual(capture.requests.map((r) => r.path), ['/after-the-redirect'], 'the redirect target received a request');
    } finally {
      await Promise.all([server.close(), capture.close()]);
    }
  });

  it('does not send a key to a new origin without the writer saying so', async () => {
    const api = await inkwell();
    const first = await serverAsInfermatic();
    const second = await startProviderTestServer({ maxLifetimeMs: 60_000 });
    try {
      await setUserSetting('inkwell.infermatic.baseUrl', second.url);
      const profile = api.services.targets.profile('infermatic')!;
      assert.equal(profile.baseUrl, second.url);
      await assert.rejects(api.services.models.list(profile, { interactive: false, refresh: true }), /was not sent/);
      assert.equal(second.requests.length, 0);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  it('asks before sending a key from the environment to an address other than the provider’s own', async () => {
    const api = await inkwell();
    const server = await startProviderTestServer({ apiKeys: ['env-key'], maxLifetimeMs: 60_000 });
    const profileNow = () => api.services.targets.profile('infermatic')!;
    // The tests run inside the extension host, so this is the environment Inkwell reads.
    const previous = process.env.INFERMATIC_API_KEY;
    process.env.INFERMATIC_API_KEY = 'env-key';
    try {
      await api.services.keys.clear(profileNow());
      await setUserSetting('inkwell.infermatic.baseUrl', server.url);
      await assert.rejects(api.services.models.list(profileNow(), { interactive: false, refresh: true }), /was not sent/);
      assert.equal(server.requests.length, 0, 'the environment key went to a new address unasked');
      // What "Send Key There" in the question does; from then on that address gets the key.
      await api.services.keys.rebind(profileNow());
      await api.services.models.list(profileNow(), { interactive: false, refresh: true });
      assert.equal(server.requests[0]?.authorization, 'Bearer env-key');
    } finally {
      if (previous === undefined) delete process.env.INFERMATIC_API_KEY;
      else process.env.INFERMATIC_API_KEY = previous;
      await server.close();
    }
  });

  for (const form of ['dotted', 'nested'] as const) {
    it(`ignores a base URL from workspace settings (${form} form)`, async () => {
      const api = await inkwell();
      const folder = vscode.workspace.workspaceFolders?.[0];
      assert.ok(folder, 'the integration tests need a workspace folder');
      const capture = await startCaptureServer({ maxLifetimeMs: 60_000 });
      const server = await serverAsInfermatic();
      const settingsFile = path.join(folder.uri.fsPath, '.vscode', 'settings.json');
      const marker = form === 'dotted' ? 0.61 : 0.62;
      const settings =
        form === 'dotted'
          ? { 'inkwell.infermatic.baseUrl': capture.url, 'inkwell.provider': 'infermatic', 'inkwell.sampling.temperature': marker }
          : { inkwell: { infermatic: { baseUrl: capture.url }, sampling: { temperature: marker } } };
      // Written through VS Code's file service, as a save from the editor would be: a file written
      // behind its back into a new .vscode folder reaches the configuration only when a watcher
      // notices, which VS Code 1.82's server build does not do reliably.
      const settingsUri = vscode.Uri.file(settingsFile);
      await vscode.workspace.fs.writeFile(settingsUri, Buffer.from(JSON.stringify(settings, null, 2)));
      try {
        // The workspace file is loaded once its workspace-scopable setting shows through.
        await waitFor('workspace settings to load', () => vscode.workspace.getConfiguration('inkwell').get('sampling.temperature') === marker, 15_000);
        const profile = api.services.targets.profile('infermatic')!;
        assert.equal(profile.baseUrl, server.url);
        await api.services.models.list(profile, { interactive: false, refresh: true });
        assert.ok(server.requests.some((r) => r.path === '/v1/models'));
        assert.equal(capture.requests.length, 0, 'a workspace setting redirected a request');
      } finally {
        await vscode.workspace.fs.delete(settingsUri);
        await Promise.all([server.close(), capture.close()]);
      }
    });
  }

  it('takes its context size from llama.cpp’s model list (meta.n_ctx)', async () => {
    const api = await inkwell();
    const server = await startProviderTestServer({ flavor: 'llamacpp', requireAuth: false, models: [{ id: 'rocinante.gguf', contextLength: 12288 }], maxLifetimeMs: 60_000 });
    try {
      await setUserSetting('inkwell.providers', [{ name: 'Local llama', kind: 'llamacpp', baseUrl: server.url }]);
      await setUserSetting('inkwell.provider', 'local-llama');
      await setUserSetting('inkwell.model', 'rocinante.gguf');
      assert.deepEqual(await api.services.contextSize(api.services.targets.active()), { tokens: 12288, source: 'provider' });
    } finally {
      await server.close();
    }
  });

  it('takes its context size from vLLM and from the setting, in that order', async () => {
    const api = await inkwell();
    const server = await startProviderTestServer({ flavor: 'vllm', requireAuth: false, maxLifetimeMs: 60_000 });
    try {
      await setUserSetting('inkwell.providers', [{ name: 'Local vLLM', kind: 'vllm', baseUrl: server.url }]);
      await setUserSetting('inkwell.provider', 'local-vllm');
      await setUserSetting('inkwell.model', 'anthracite-org/magnum-v4-72b');
      const target = api.services.targets.active();
      assert.equal(target.profile.id, 'local-vllm');
      assert.deepEqual(await api.services.contextSize(target), { tokens: 32768, source: 'provider' });
      await setUserSetting('inkwell.model', 'some-unlisted-model');
      await setUserSetting('inkwell.contextSize', 4096);
      assert.deepEqual(await api.services.contextSize(api.services.targets.active()), { tokens: 4096, source: 'setting' });
    } finally {
      await server.close();
    }
  });
});
