// A CPU profile of the extension host over one piece of a benchmark (INKWELL_BENCH_PROFILE), written
// as a .cpuprofile for Chrome DevTools; without a file, the body just runs.
import * as fs from 'fs';
import * as inspector from 'inspector';

export async function profiled<T>(file: string | undefined, body: () => Promise<T>, log: (line: string) => void): Promise<T> {
  if (!file) return body();
  const session = new inspector.Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) => session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 100 });
  await post('Profiler.start');
  try {
    return await body();
  } finally {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    fs.writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
    log(`CPU profile written to ${file}`);
  }
}
