using System.Text;

namespace DISD.Tokenization;

/// <summary>GPT-2's reversible byte → printable-character map used by byte-level BPE vocabularies ("Ġ" = space).</summary>
internal static class ByteLevelAlphabet
{
    private static readonly char[] ByteToChar = BuildByteToChar();

    public static string Encode(string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        var chars = new char[bytes.Length];
        for (int i = 0; i < bytes.Length; i++)
        {
            chars[i] = ByteToChar[bytes[i]];
        }

        return new string(chars);
    }

    private static char[] BuildByteToChar()
    {
        var map = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            map[b] = printable ? (char)b : (char)next++;
        }

        return map;
    }
}
