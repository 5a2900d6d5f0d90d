// Regenerates ByteLevelExtraCases.AstralMergeJson: npm install tokenizers@0.23.2 && node make-astral-merge-cases.js ../fixtures/tokenizers/bytelevel-bpe/tokenizer.json
// The fixture tokenizer gets one extra token "ĢL" (last byte of 🚀 or 𝐀, then "L") whose merge comes first, so the
// ids show whether a character outside the BMP and the following letters form one pre-token.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { Tokenizer } = require('tokenizers');
const json = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
json.model.vocab['ĢL'] = 2048;
json.model.merges.unshift(['Ģ', 'L']);
const file = path.join(os.tmpdir(), 'astral-merge-tokenizer.json');
fs.writeFileSync(file, JSON.stringify(json));
(async () => {
  const tok = Tokenizer.fromFile(file);
  const out = [];
  for (const text of ['🚀Launch', 'x🚀Launch', '🚀 Launch', '🚀🚀Launch', 'Hi 🚀Launch!', '𝐀Launch', '🚀L']) {
    const enc = await tok.encode(text, null, { addSpecialTokens: false });
    out.push({ text, ids: enc.getIds() });
  }
  console.log(JSON.stringify(out));
})();
