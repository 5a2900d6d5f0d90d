using System.Text;

namespace DISD.Tests.Tokenization;

/// <summary>Writes small sentencepiece <c>ModelProto</c> files (protobuf) for unit tests.</summary>
internal sealed class SentencePieceModelBuilder
{
    public const int Normal = 1;
    public const int Unknown = 2;
    public const int Control = 3;
    public const int UserDefined = 4;
    public const int Unused = 5;
    public const int Byte = 6;

    private readonly List<(string Text, float Score, int Type)> _pieces = [("<unk>", 0, Unknown)];

    public int ModelType { get; init; } = 2;

    public bool ByteFallback { get; init; }

    public string NormalizerName { get; init; } = "identity";

    public byte[] PrecompiledCharsmap { get; init; } = [];

    public bool AddDummyPrefix { get; init; }

    /// <summary>Adds a piece and returns its id.</summary>
    public int Add(string text, float score = 0, int type = Normal)
    {
        _pieces.Add((text, score, type));
        return _pieces.Count - 1;
    }

    /// <summary>Adds the 256 byte pieces &lt;0x00&gt;..&lt;0xFF&gt;; returns the id of &lt;0x00&gt;.</summary>
    public int AddBytes()
    {
        int first = _pieces.Count;
        for (int b = 0; b < 256; b++)
        {
            Add($"<0x{b:X2}>", 0, Byte);
        }

        return first;
    }

    public byte[] Build()
    {
        var model = new MemoryStream();
        foreach (var (text, score, type) in _pieces)
        {
            var piece = new MemoryStream();
            WriteBytes(piece, 1, Encoding.UTF8.GetBytes(text));
            WriteTag(piece, 2, 5);
            piece.Write(BitConverter.GetBytes(score));
            WriteVarint(piece, 3, (ulong)type);
            WriteBytes(model, 1, piece.ToArray());
        }

        var trainer = new MemoryStream();
        WriteVarint(trainer, 3, (ulong)ModelType);
        WriteVarint(trainer, 35, ByteFallback ? 1UL : 0);
        WriteBytes(model, 2, trainer.ToArray());

        var normalizer = new MemoryStream();
        WriteBytes(normalizer, 1, Encoding.UTF8.GetBytes(NormalizerName));
        WriteBytes(normalizer, 2, PrecompiledCharsmap);
        WriteVarint(normalizer, 3, AddDummyPrefix ? 1UL : 0);
        WriteVarint(normalizer, 4, 0);
        WriteBytes(model, 3, normalizer.ToArray());
        return model.ToArray();
    }

    private static void WriteVarint(Stream s, int field, ulong value)
    {
        WriteTag(s, field, 0);
        WriteRawVarint(s, value);
    }

    private static void WriteBytes(Stream s, int field, byte[] value)
    {
        WriteTag(s, field, 2);
        WriteRawVarint(s, (ulong)value.Length);
        s.Write(value);
    }

    private static void WriteTag(Stream s, int field, int wireType) => WriteRawVarint(s, (ulong)((field << 3) | wireType));

    private static void WriteRawVarint(Stream s, ulong value)
    {
        do
        {
            byte b = (byte)(value & 0x7F);
            value >>= 7;
            s.WriteByte(value != 0 ? (byte)(b | 0x80) : b);
        }
        while (value != 0);
    }
}
