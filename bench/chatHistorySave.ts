/**
 * What one save of the chat history costs while a reply streams, with a full history.
 *
 *   npx tsc -p tsconfig.test.json && node out/bench/chatHistorySave.js [conversations] [messages]
 *
 * Builds `conversations` conversations of `messages` messages (user turns of about 50 words, replies
 * of about 200, generated prose), starts one more exchange in the current one and streams a reply
 * into it, saving as the session does. Before: version 1 handed the whole store to workspace
 * storage on each save ({ version: 1, currentId, conversations }, the shape its serialize() gave).
 * After: what ChatHistory hands to storage per save (a recording Memento counts the JSON).
 */
import { performance } from 'perf_hooks';
import { ChatHistory } from '../src/core/chat/chatHistory';
import { addExchange } from '../src/core/chat/transcript';
import { FakeMemento } from '../test/unit/fakeMemento';
import { median } from './median';
import { generateProse } from './tokenCountProse';

const CONVERSATIONS = Number(process.argv[2] ?? 50);
const MESSAGES = Number(process.argv[3] ?? 40);
const SAVES = 30;

const memento = new FakeMemento();
const history = ChatHistory.open(memento, {
  archive: { keep: () => Promise.reject(new Error('the bench stays under the bound')) },
  onNotice: (notice) => console.log(`notice: ${notice.kind}`),
  log: () => undefined,
});
let seed = 1;
for (let c = 0; c < CONVERSATIONS; c++) {
  const conversation = history.store.newConversation();
  for (let m = 0; m < MESSAGES / 2; m++) {
    const reply = addExchange(conversation, generateProse(50, seed++), undefined, 'bench-model');
    reply.text = generateProse(200, seed++);
    reply.status = 'done';
  }
  history.save(conversation);
}

const current = history.store.current;
const reply = addExchange(current, generateProse(50, seed++), undefined, 'bench-model');
history.store.touch();
history.save(current);
memento.takeUpdates();

const pieces = generateProse(SAVES * 20, seed).split(/(?<= )/);
const before: number[] = [];
const after: number[] = [];
const beforeMs: number[] = [];
const afterMs: number[] = [];
for (let save = 0; save < SAVES; save++) {
  reply.text += pieces.slice(save * 20, save * 20 + 20).join('');
  let t = performance.now();
  const whole = JSON.stringify({ version: 1, currentId: current.id, conversations: history.store.conversations });
  beforeMs.push(performance.now() - t);
  before.push(whole.length);
  t = performance.now();
  history.save(current);
  afterMs.push(performance.now() - t);
  after.push(memento.takeUpdates().reduce((sum, u) => sum + u.bytes, 0));
}

const kb = (chars: number) => `${(chars / 1024).toLocaleString('en-US', { maximumFractionDigits: 1 })} KB`;
const total = history.store.conversations.reduce((sum, c) => sum + c.messages.length, 0);
console.log(`${history.store.conversations.length} conversations, ${total} messages; median of ${SAVES} saves while streaming:`);
console.log(`  before (whole store):        ${kb(median(before))} of JSON per save, ${median(beforeMs).toFixed(2)} ms to serialise`);
console.log(`  after  (its conversation):   ${kb(median(after))} of JSON per save, ${median(afterMs).toFixed(2)} ms to save (the recording Memento's JSON included)`);
