// Regenerates ByteLevelExtraCases.cs data: npm install tokenizers@0.23.2 && node make-bytelevel-extra-cases.js ../fixtures/tokenizers/bytelevel-bpe/tokenizer.json
const { Tokenizer } = require('tokenizers');
const path = process.argv[2];
const tok = Tokenizer.fromFile(path);
const texts = [
  "🚀Launch now", "fire🔥hot", "a😀b😀c", "𝐀𝐁𝐂 bold math", "𠀀𠀁 rare han", "Ünïcödé ÀÉÎÕÜ",
  "DON'T SHOUT, IT'S LOUD", "they'll've we'd", "line1\r\nline2\r\n", "trailing spaces   ",
  "   \n  indented\n\tcode()", "1,234,567.89 and 12345678", "mixed日本語text中文", "Привет, мир!",
  "مرحبا بالعالم", "<|begin_of_text|>Hi<|end_of_text|>", "no<|end_of_text|>space", "a\u00a0b\u2003c",
  "tab\t\ttabs", "😀", "e\u0301", "x  \n\n  y",
];
(async () => {
  const out = [];
  for (const text of texts) {
    const enc = await tok.encode(text, null, { addSpecialTokens: false });
    out.push({ text, ids: enc.getIds(), tokens: enc.getTokens() });
  }
  console.log(JSON.stringify(out));
})();
