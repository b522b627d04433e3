// providerClient over HTTPS, against a throwaway self-signed certificate: the connect timeout ends at the
// handshake, and an untrusted certificate is a network error that is not retried.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import type * as http from 'node:http';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { openStream, sendJson } from '../../src/core/http/providerClient';
import { collect } from './fixtures/httpLoopback';
import { KEY, auth, rejection } from './fixtures/providerClientCalls';

describe('http: providerClient', () => {
  describe('https', () => {
    let tls: { key: Buffer; cert: Buffer } | undefined;
    before(function () {
      // A throwaway self-signed certificate for 127.0.0.1, made now (nothing secret is committed).
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inkwell-tls-'));
      try {
        execFileSync(
          'openssl',
          ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', path.join(dir, 'k.pem'),
            '-out', path.join(dir, 'c.pem'), '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1'],
          { stdio: 'ignore' },
        );
        tls = { key: fs.readFileSync(path.join(dir, 'k.pem')), cert: fs.readFileSync(path.join(dir, 'c.pem')) };
      } catch {
        this.skip(); // no openssl here
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    async function serveTls(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
      const server = https.createServer({ key: tls!.key, cert: tls!.cert }, handler);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const { port } = server.address() as AddressInfo;
      return {
        url: `https://127.0.0.1:${port}`,
        close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
      };
    }

    it('streams over TLS; the connect timeout ends at the handshake, not at the answer', async () => {
      const s = await serveTls((req, res) => {
        req.resume();
        setTimeout(() => {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.end('data: tls\n\n');
        }, 150);
      });
      try {
        const agent = new https.Agent({ ca: tls!.cert });
        const r = await openStream({ url: `${s.url}/v1/completions`, body: {}, agent, timeouts: { connectMs: 100 } });
        const text = Buffer.concat((await collect(r.body)).map((c) => Buffer.from(c))).toString();
        assert.equal(text, 'data: tls\n\n');
      } finally {
        await s.close();
      }
    });

    it('an untrusted certificate is a network error that is not retried', async () => {
      const s = await serveTls((_req, res) => res.end('{}'));
      try {
        const e = await rejection(sendJson({ url: s.url, headers: auth, secrets: [KEY] }));
        assert.equal(e.kind, 'network');
        assert.equal(e.retryable, false);
        assert.match(e.nextStep, /certificate/);
      } finally {
        await s.close();
      }
    });
  });
});
