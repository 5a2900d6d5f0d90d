// Regenerates SentencePieceExtraCases.cs data: npm install sentencepiece-js@1.1.0 (sentencepiece compiled to WebAssembly)
// && node make-sentencepiece-extra-cases.js ../fixtures/tokenizers/sp-bpe/tokenizer.model
const { SentencePieceProcessor } = require('sentencepiece-js');
const texts = [
  '𝐀𝐁𝐂 bold math', '𠀀𠀁 rare han', 'e\u0301 combining', 'a\u00a0b\u3000c', 'line1\r\nline2\r\n',
  'x<start_of_turn>y', '<end_of_turn><start_of_turn>', '<bos> is not special in text', 'ℌ ﬁ ① ²',
  '          ten spaces', 'Привет, мир!', 'مرحبا بالعالم', '👩\u200d💻 zwj', '12345678901234567890',
  'DON\'T SHOUT', 'trailing   ', '\n\n\n', 'ÀÉÎÕÜ àéîõü',
];
(async () => {
  const spp = new SentencePieceProcessor();
  await spp.load(process.argv[2]);
  console.log(JSON.stringify(texts.map(text => ({ text, ids: spp.encodeIds(text), decoded: spp.decodeIds(spp.encodeIds(text)) }))));
})();
