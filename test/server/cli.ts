/**
 * Run the provider test server in its own process (e2e, manual runs, benchmarks):
 *
 *   node out/test/server/cli.js [--flavor litellm|vllm|llamacpp|aimlapi|openrouter|koboldcpp]
 *        [--key KEY]... [--no-auth] [--port N] [--lifetime-ms MS] [--script "a,b,c"] [--exit-with-stdin]
 *
 * Prints one JSON line to stdout: {"url":"http://127.0.0.1:PORT","port":PORT,"flavor":"…"}.
 * Drive it with POST /__control/scenario|reset|config and GET /__control/requests.
 * Stops on SIGINT/SIGTERM, at the lifetime cap (default 10 min) and, with --exit-with-stdin,
 * when its stdin closes (so it dies with the parent that spawned it with a pipe).
 */
import { FLAVORS, type Flavor, type ProviderTestServerOptions, startProviderTestServer } from './providerTestServer';

async function main(argv: string[]): Promise<void> {
  const opts: ProviderTestServerOptions = {};
  const keys: string[] = [];
  let exitWithStdin = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    switch (a) {
      case '--flavor': {
        const f = next();
        if (!(FLAVORS as readonly string[]).includes(f)) throw new Error(`unknown flavor ${f}`);
        opts.flavor = f as Flavor;
        break;
      }
      case '--key': keys.push(next()); break;
      case '--no-auth': opts.requireAuth = false; break;
      case '--port': opts.port = Number(next()); break;
      case '--lifetime-ms': opts.maxLifetimeMs = Number(next()); break;
      case '--script': opts.script = next().split(','); break;
      case '--exit-with-stdin': exitWithStdin = true; break;
      default: throw new Error(`unknown argument ${a}`);
    }
  }
  if (keys.length > 0) opts.apiKeys = keys;
  const server = await startProviderTestServer(opts);
  process.stdout.write(JSON.stringify({ url: server.url, port: server.port, flavor: server.flavor }) + '\n');
  const stop = (): void => {
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  if (exitWithStdin) {
    process.stdin.on('end', stop);
    process.stdin.on('close', stop);
    process.stdin.resume();
  }
  // The lifetime cap closes the server; exit then too.
  void server.closed.then(() => process.exit(0));
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(2);
});
