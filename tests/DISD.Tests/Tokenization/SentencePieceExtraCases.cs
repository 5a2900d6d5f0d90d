namespace DISD.Tests.Tokenization;

/// <summary>
/// More reference encodings of fixtures/tokenizers/sp-bpe/tokenizer.model (ids without BOS), made with sentencepiece
/// compiled to WebAssembly (npm sentencepiece-js 1.1.0) by make-sentencepiece-extra-cases.js in this folder; that
/// build reproduces the fixture's own cases. These add characters outside the BMP, combining marks, CRLF, special
/// symbols inside words, control-symbol text, identity normalization and non-Latin scripts.
/// </summary>
internal static class SentencePieceExtraCases
{
    public const string Json = """
        [{"text": "\ud835\udc00\ud835\udc01\ud835\udc02 bold math", "ids": [246, 163, 150, 134, 246, 163, 150, 135, 246, 163, 150, 136, 290, 651, 278,
            562], "decoded": "\ud835\udc00\ud835\udc01\ud835\udc02 bold math"},
        {"text": "\ud840\udc00\ud840\udc01 rare han", "ids": [246, 166, 134, 134, 246, 166, 134, 135, 334, 786, 311,
            271], "decoded": "\ud840\udc00\ud840\udc01 rare han"},
        {"text": "e\u0301 combining", "ids": [4029, 210, 135, 1521, 1830], "decoded": "e\u0301 combining"},
        {"text": "a\u00a0b\u3000c", "ids": [4030, 200, 166, 4048, 233, 134, 134, 4040], "decoded": "a\u00a0b\u3000c"},
        {"text": "line1\r\nline2\r\n", "ids": [2300, 4066, 19, 16, 2300, 4089, 19, 16], "decoded": "line1\r\nline2\r\n"},
        {"text": "x<start_of_turn>y", "ids": [4055, 4, 4046], "decoded": "x<start_of_turn>y"},
        {"text": "<end_of_turn><start_of_turn>", "ids": [5, 4], "decoded": "<end_of_turn><start_of_turn>"},
        {"text": "<bos> is not special in text", "ids": [66, 4048, 345, 68, 265, 552, 1726, 299, 2747], "decoded": "<bos> is not special in text"},
        {"text": "\u210c \ufb01 \u2460 \u00b2", "ids": [232, 138, 146, 4028, 245, 178, 135, 4028, 232, 151, 166, 4028, 200,
            184], "decoded": "\u210c \ufb01 \u2460 \u00b2"},
        {"text": "          ten spaces", "ids": [4028, 4028, 4028, 4028, 4028, 4028, 4028, 4028, 4028, 2480, 442, 2730], "decoded": "          ten spaces"},
        {"text": "\u041f\u0440\u0438\u0432\u0435\u0442, \u043c\u0438\u0440!", "ids": [214, 165, 215, 134, 214, 190, 214, 184, 214, 187, 215, 136, 4078, 4028,
            214, 194, 214, 190, 215, 134, 39], "decoded": "\u041f\u0440\u0438\u0432\u0435\u0442, \u043c\u0438\u0440!"},
        {"text": "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645", "ids": [223, 139, 222, 183, 222, 179, 222, 174, 222, 173, 4028,
            222, 174, 222, 173, 223, 138, 222, 191, 222, 173, 223, 138, 223,
            139], "decoded": "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645"},
        {"text": "\ud83d\udc69\u200d\ud83d\udcbb zwj", "ids": [246, 165, 151, 175, 232, 134, 147, 246, 165, 152, 193, 1318, 4051,
            4071], "decoded": "\ud83d\udc69\u200d\ud83d\udcbb zwj"},
        {"text": "12345678901234567890", "ids": [4066, 4089, 4094, 4093, 4091, 4092, 4088, 4083, 4075, 4085, 4066, 4089, 4094, 4093, 4091, 4092, 4088, 4083,
            4075, 4085], "decoded": "12345678901234567890"},
        {"text": "DON'T SHOUT", "ids": [4086, 4087, 4076, 4080, 4059, 361, 4079, 4087, 4077, 4059], "decoded": "DON'T SHOUT"},
        {"text": "trailing   ", "ids": [472, 624, 291, 4028, 4028, 4028], "decoded": "trailing   "},
        {"text": "\n\n\n", "ids": [16, 16, 16], "decoded": "\n\n\n"},
        {"text": "\u00c0\u00c9\u00ce\u00d5\u00dc \u00e0\u00e9\u00ee\u00f5\u00fc", "ids": [201, 134, 201, 143, 201, 148, 201, 155, 201, 162, 4028, 201, 166,
            201, 175, 201, 180, 201, 187, 201, 194], "decoded": "\u00c0\u00c9\u00ce\u00d5\u00dc \u00e0\u00e9\u00ee\u00f5\u00fc"}]
        """;
}
