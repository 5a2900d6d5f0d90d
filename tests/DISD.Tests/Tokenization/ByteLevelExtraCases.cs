namespace DISD.Tests.Tokenization;

/// <summary>
/// More reference encodings of fixtures/tokenizers/bytelevel-bpe/tokenizer.json (no special tokens added), made with
/// Hugging Face tokenizers 0.23.2 (its npm package) by make-bytelevel-extra-cases.js in this folder.
/// They cover what the fixture's cases do not: characters outside the BMP next to letters, uppercase contractions,
/// CRLF, non-Latin scripts, non-breaking spaces and special tokens written in the text.
/// </summary>
internal static class ByteLevelExtraCases
{
    public const string Json = """
        [{"text": "\ud83d\ude80Launch now", "ids": [174, 255, 250, 224, 45, 66, 316, 355, 328, 431]},
        {"text": "fire\ud83d\udd25hot", "ids": [71, 617, 174, 255, 244, 100, 73, 356]},
        {"text": "a\ud83d\ude00b\ud83d\ude00c", "ids": [66, 174, 255, 248, 224, 67, 174, 255, 248, 224, 68]},
        {"text": "\ud835\udc00\ud835\udc01\ud835\udc02 bold math", "ids": [174, 253, 240, 224, 174, 253, 240, 225, 174, 253, 240, 226, 286, 646, 273, 547]},
        {"text": "\ud840\udc00\ud840\udc01 rare han", "ids": [174, 256, 224, 224, 174, 256, 224, 225, 330, 787, 307, 267]},
        {"text": "\u00dcn\u00efc\u00f6d\u00e9 \u00c0\u00c9\u00ce\u00d5\u00dc", "ids": [129, 252, 79, 129, 109, 68, 129, 116, 69, 129, 104, 222, 129, 224, 129,
            233, 129, 238, 129, 245, 129, 252]},
        {"text": "DON'T SHOUT, IT'S LOUD", "ids": [37, 48, 47, 8, 53, 357, 41, 48, 54, 53, 13, 466, 53, 8, 52, 489, 48, 54, 37]},
        {"text": "they'll've we'd", "ids": [537, 90, 8, 618, 8, 814, 710, 8, 69]},
        {"text": "line1\r\nline2\r\n", "ids": [2041, 18, 203, 200, 2041, 19, 203, 200]},
        {"text": "trailing spaces   ", "ids": [471, 612, 287, 443, 311, 268, 222, 222, 222]},
        {"text": "   \n  indented\n\tcode()", "ids": [222, 222, 222, 200, 222, 661, 313, 280, 200, 199, 68, 368, 70, 9, 10]},
        {"text": "1,234,567.89 and 12345678", "ids": [18, 13, 19, 20, 21, 13, 22, 23, 24, 15, 25, 26, 312, 222, 18, 19, 20, 21, 22, 23, 24, 25]},
        {"text": "mixed\u65e5\u672c\u8a9etext\u4e2d\u6587", "ids": [78, 800, 280, 164, 247, 100, 164, 252, 107, 166, 105, 254, 648, 1557, 162, 118, 257, 164,
            246, 231]},
        {"text": "\u041f\u0440\u0438\u0432\u0435\u0442, \u043c\u0438\u0440!", "ids": [142, 255, 143, 224, 142, 118, 142, 112, 142, 115, 143, 226, 13, 222,
            142, 122, 142, 118, 143, 224, 2]},
        {"text": "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645", "ids": [151, 229, 150, 111, 150, 257, 150, 103, 150, 102, 222,
            150, 103, 150, 102, 151, 228, 150, 119, 150, 102, 151, 228, 151, 229]},
        {"text": "<|begin_of_text|>Hi<|end_of_text|>", "ids": [0, 41, 74, 1]},
        {"text": "no<|end_of_text|>space", "ids": [79, 80, 1, 84, 81, 442]},
        {"text": "a\u00a0b\u2003c", "ids": [66, 128, 256, 67, 160, 224, 227, 68]},
        {"text": "tab\t\ttabs", "ids": [85, 376, 199, 199, 85, 376, 84]},
        {"text": "\ud83d\ude00", "ids": [174, 255, 248, 224]},
        {"text": "e\u0301", "ids": [70, 138, 225]},
        {"text": "x  \n\n  y", "ids": [89, 222, 222, 200, 200, 222, 479]}]
        """;

    /// <summary>Encodings by the fixture tokenizer plus a first merge "Ģ L" (see make-astral-merge-cases.js).</summary>
    public const string AstralMergeJson = """
        [{"text": "\ud83d\ude80Launch", "ids": [174, 255, 250, 2048, 66, 316, 355]},
        {"text": "x\ud83d\ude80Launch", "ids": [89, 174, 255, 250, 2048, 66, 316, 355]},
        {"text": "\ud83d\ude80 Launch", "ids": [174, 255, 250, 224, 489, 66, 316, 355]},
        {"text": "\ud83d\ude80\ud83d\ude80Launch", "ids": [174, 255, 250, 224, 174, 255, 250, 224, 45, 66, 316, 355]},
        {"text": "Hi \ud83d\ude80Launch!", "ids": [41, 74, 222, 174, 255, 250, 224, 45, 66, 316, 355, 2]},
        {"text": "\ud835\udc00Launch", "ids": [174, 253, 240, 2048, 66, 316, 355]},
        {"text": "\ud83d\ude80L", "ids": [174, 255, 250, 2048]}]
        """;
}
