// The recursive scan looks each key up once in a round's sources joined, then reads only the sources that
// can hold it. Held here to the rule as SillyTavern states it, written out plainly: each source in turn,
// every entry not yet in checked against that source's text alone.
import * as assert from 'node:assert/strict';
import { Activation, CompiledEntry, activateLore, activateLoreInTurns, compileLore } from '../../src/core/story/loreActivation';
import { ScanText } from '../../src/core/story/keyMatcher';
import { LoreEntry, SecondaryLogic, loreEntry } from '../../src/core/story/loreEntry';

function secondaryHolds(c: CompiledEntry, scan: ScanText): boolean {
  if (!c.secondary.length) return true;
  const found = c.secondary.filter((k) => scan.find(k) !== undefined).length;
  const logic: Record<SecondaryLogic, boolean> = {
    any: found > 0,
    all: found === c.secondary.length,
    notAny: found === 0,
    notAll: found < c.secondary.length,
  };
  return logic[c.entry.secondaryLogic];
}

function nearestKey(c: CompiledEntry, scan: ScanText): string | undefined {
  let best: { key: string; end: number } | undefined;
  for (const key of c.keys) {
    const m = scan.find(key);
    if (m && (!best || m.index + m.length > best.end)) best = { key: key.source, end: m.index + m.length };
  }
  return best?.key;
}

/** The rule, source by source, on top of the first pass's decisions. */
function reference(entries: CompiledEntry[], text: string, rounds: number): Activation[] {
  const first = activateLore(entries, text, { scanTokens: 10_000, charsPerToken: 1, recursionRounds: 0 });
  const decided = new Map<CompiledEntry, Activation>();
  entries.forEach((c, i) => {
    if (first[i].active || first[i].why !== 'no-match') decided.set(c, first[i]);
  });
  let fresh = first.filter((a) => a.active && a.entry.recursive);
  for (let round = 0; round < rounds && fresh.length; round++) {
    const next: Activation[] = [];
    for (const source of fresh) {
      const scan = new ScanText(source.entry.content);
      for (const c of entries) {
        if (decided.has(c) && decided.get(c)!.why !== 'secondary') continue;
        const key = nearestKey(c, scan);
        if (!key || !secondaryHolds(c, scan)) continue;
        const activation: Activation = { entry: c.entry, active: true, why: { kind: 'recursion', key, via: source.entry.id } };
        decided.set(c, activation);
        if (c.entry.recursive) next.push(activation);
      }
    }
    fresh = next;
  }
  return entries.map((c) => decided.get(c) ?? { entry: c.entry, active: false, why: 'no-match' });
}

function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

const NAMES = ['Wren', 'Odell', 'Ash', 'Mara', 'the bridge', 'brass key', 'Harrow', 'lamp', 'Élodie', '王小明', 'Wrenna', 'cellar'];
const REGEXES = ['/Wren(na)?/', '/od+ell/i', '/^Ash/m', '/lamps?$/', '/[0-9]+/', '/b.r/'];
const LOGICS: SecondaryLogic[] = ['any', 'all', 'notAny', 'notAll'];

function randomLore(r: () => number, count: number): LoreEntry[] {
  const pick = <T>(list: readonly T[]) => list[Math.floor(r() * list.length)];
  const words = () => Array.from({ length: 1 + Math.floor(r() * 6) }, () => (r() < 0.5 ? pick(NAMES) : pick(['rain', 'and', 'the', '7', 'lamps', 'Ashes']))).join(r() < 0.2 ? '\n' : ' ');
  return Array.from({ length: count }, (_, i) =>
    loreEntry(`e${i}`, {
      keys: Array.from({ length: 1 + Math.floor(r() * 3) }, () => (r() < 0.2 ? pick(REGEXES) : pick(NAMES))),
      secondaryKeys: r() < 0.25 ? [pick(NAMES)] : [],
      secondaryLogic: pick(LOGICS),
      caseSensitive: r() < 0.2,
      wholeWords: r() > 0.2,
      recursive: r() > 0.15,
      enabled: r() > 0.05,
      alwaysOn: r() < 0.05,
      content: words(),
    }),
  );
}

describe('story lore: the recursive scan', () => {
  it('activates the same entries through the same sources as reading each source in turn', () => {
    const r = random(99);
    for (let trial = 0; trial < 400; trial++) {
      const entries = compileLore(randomLore(r, 2 + Math.floor(r() * 25)));
      const text = Array.from({ length: 1 + Math.floor(r() * 3) }, () => NAMES[Math.floor(r() * NAMES.length)]).join(' and ');
      const rounds = Math.floor(r() * 4);
      const got = activateLore(entries, text, { scanTokens: 10_000, charsPerToken: 1, recursionRounds: rounds });
      assert.deepEqual(got, reference(entries, text, rounds), `trial ${trial}: "${text}", ${rounds} rounds`);
    }
  });

  it('in turns: the same verdicts, with a turn of the event loop before each round that runs', async () => {
    const r = random(7);
    for (let trial = 0; trial < 100; trial++) {
      const entries = compileLore(randomLore(r, 2 + Math.floor(r() * 25)));
      const text = Array.from({ length: 1 + Math.floor(r() * 3) }, () => NAMES[Math.floor(r() * NAMES.length)]).join(' and ');
      const options = { scanTokens: 10_000, charsPerToken: 1, recursionRounds: Math.floor(r() * 4) };
      let turns = 0;
      const got = await activateLoreInTurns(entries, text, options, async () => {
        turns++;
        await new Promise((resolve) => setImmediate(resolve));
      });
      assert.deepEqual(got, activateLore(entries, text, options), `trial ${trial}`);
      assert.ok(turns <= options.recursionRounds);
      const recursed = got.some((a) => a.active && a.why.kind === 'recursion');
      if (recursed) assert.ok(turns >= 1, 'an entry came in through another without a turn before');
    }
  });

  it('finds the source a key sits in when the sources are joined, not a key made across two of them', () => {
    const entries = compileLore([
      loreEntry('a', { keys: ['Wren'], content: 'ends with brass' }),
      loreEntry('b', { keys: ['Wren'], content: 'key begins here' }),
      loreEntry('c', { keys: ['brass key', '/brass\\s+key/'] }),
    ]);
    const got = activateLore(entries, 'Wren', { scanTokens: 100, charsPerToken: 1, recursionRounds: 3 });
    assert.deepEqual(got.map((a) => a.active), [true, true, false]);
  });
});
