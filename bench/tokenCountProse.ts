/**
 * Deterministic English fiction-like prose for token-count tests and benchmarks: chapters, paragraphs separated
 * by blank lines, dialogue with curly and straight quotes, contractions, em dashes, ellipses, numbers, names,
 * a long tail of rarer words. Not literature — just text with prose's statistics.
 */

const COMMON = (
  'the the the the a a a of of and and and to to in in was was he she it it that his her with as for on at by ' +
  'from they you I I had but not be is this which have one said all were there when we an their would so what ' +
  'out up into no who could them more then about some time if like over only my him me than very been other two ' +
  'down back through before after long where little much great man old again way day still even just now too ' +
  'here must might never always something nothing every each own same few another while because though until'
).split(' ');

const CONTENT = (
  'eyes hand hands face night door room voice light head thought knew looked felt turned smiled whispered asked ' +
  'answered wind river stone silver morning shadow window heart dark quiet cold warm slowly already perhaps ' +
  'certainly house street table floor wall fire water blood sword horse road village forest mountain city king ' +
  'queen captain soldier mother father brother sister daughter son friend stranger letter book candle lantern ' +
  'rain snow storm sky sun moon star field garden bridge tower gate ship harbor sea shore cliff valley path ' +
  'breath silence memory dream promise secret truth lie fear anger hope grief laughter smile tears touch ' +
  'walked ran stood sat waited listened watched stared glanced reached pulled pushed opened closed dropped ' +
  'lifted carried followed remembered forgot wondered realized decided tried wanted needed wished believed ' +
  'quickly softly carefully suddenly finally nearly almost barely gently quietly loudly sharply brightly ' +
  'narrow broad heavy empty broken ancient golden crimson pale bitter gentle fierce weary restless hollow'
).split(' ');

const RARE = (
  'melancholy reverberated incandescent labyrinthine obsequious phosphorescent serendipitous ephemeral ' +
  'inexorably perfunctory cacophony juxtaposition quintessential vicissitudes susurrus crepuscular petrichor ' +
  'palimpsest sesquipedalian threnody verisimilitude obstreperous mellifluous lugubrious effervescent ' +
  'antediluvian chiaroscuro somnambulant iridescent inscrutable pusillanimous apothecary cartographer ' +
  'blacksmith tapestry parchment balustrade colonnade portcullis battlements scabbard gauntlet reliquary ' +
  'sarcophagus catacombs mausoleum observatory astrolabe sextant harpsichord marionette kaleidoscope ' +
  'unbuttoned half-remembered well-worn moss-covered bone-tired sun-bleached long-forgotten rain-slick ' +
  'Thessaly Carrowmore Varenholt Ysolde Brannoch Meridian Quillon Osric Halvard Seraphine'
).split(' ');

const NAMES = ['Elena', 'Marcus', 'Aldric', 'Mirabel', 'Thorne', 'Wren', 'Isolde', 'Cassius', 'Nadia', 'Rook'];
const CONTRACTIONS = ["don't", "couldn't", "I'm", "she'd", "we'll", "it's", "wasn't", "they're", "you've", "won't"];
const SAID = ['said', 'asked', 'whispered', 'murmured', 'replied', 'snapped', 'called', 'admitted'];

/** Small fast PRNG (mulberry32) so every run makes the same text. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function word(r: () => number): string {
  const x = r();
  if (x < 0.48) return COMMON[Math.floor(r() * COMMON.length)];
  if (x < 0.88) return CONTENT[Math.floor(r() * CONTENT.length)];
  if (x < 0.93) return NAMES[Math.floor(r() * NAMES.length)];
  if (x < 0.97) return CONTRACTIONS[Math.floor(r() * CONTRACTIONS.length)];
  if (x < 0.99) return RARE[Math.floor(r() * RARE.length)];
  return String(Math.floor(r() * (r() < 0.5 ? 100 : 10000)));
}

function sentence(r: () => number, words: { n: number }): string {
  const len = 4 + Math.floor(r() * 20);
  const w: string[] = [];
  for (let i = 0; i < len; i++) {
    let t = word(r);
    if (i < len - 1) {
      const p = r();
      if (p < 0.07) t += ',';
      else if (p < 0.08) t += ' —';
      else if (p < 0.085) t += ';';
    }
    w.push(t);
  }
  words.n += len;
  let s = w.join(' ');
  s = s[0].toUpperCase() + s.slice(1);
  const end = r();
  s += end < 0.8 ? '.' : end < 0.9 ? '?' : end < 0.96 ? '!' : '…';
  return s;
}

/** About `nWords` words of prose (stops at the first paragraph end past it). */
export function generateProse(nWords: number, seed = 1): string {
  const r = rng(seed);
  const words = { n: 0 };
  const paras: string[] = [];
  let chapter = 1;
  paras.push(`Chapter ${chapter}`);
  while (words.n < nWords) {
    const kind = r();
    if (kind < 0.004) {
      paras.push(`Chapter ${++chapter}`);
      continue;
    }
    if (kind < 0.008) {
      paras.push('* * *');
      continue;
    }
    const sentences: string[] = [];
    if (kind < 0.35) {
      // Dialogue.
      const q = r() < 0.7 ? ['“', '”'] : ['"', '"'];
      const line = sentence(r, words);
      const name = NAMES[Math.floor(r() * NAMES.length)];
      const verb = SAID[Math.floor(r() * SAID.length)];
      sentences.push(`${q[0]}${line}${q[1]} ${name} ${verb}.`);
      words.n += 2;
      if (r() < 0.4) sentences.push(sentence(r, words));
    } else {
      const n = 2 + Math.floor(r() * 6);
      for (let i = 0; i < n; i++) sentences.push(sentence(r, words));
    }
    paras.push(sentences.join(' '));
  }
  return paras.join('\n\n') + '\n';
}

/** Word count the way a writer's tool counts: whitespace-separated runs. */
export function wordCount(text: string): number {
  const m = text.match(/\S+/g);
  return m ? m.length : 0;
}
