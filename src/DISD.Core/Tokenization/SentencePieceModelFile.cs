using System.Text;

namespace DISD.Tokenization;

/// <summary>Piece kinds of sentencepiece's <c>ModelProto.SentencePiece.Type</c>.</summary>
internal enum SentencePieceKind
{
    Normal = 1,
    Unknown = 2,
    Control = 3,
    UserDefined = 4,
    Unused = 5,
    Byte = 6,
}

internal readonly record struct SentencePieceEntry(string Text, SentencePieceKind Kind);

/// <summary>
/// Reads the piece table (text and kind per id) of a sentencepiece <c>.model</c> file. Microsoft.ML.Tokenizers parses
/// the same protobuf but keeps it internal, and its public vocabulary does not say which pieces are user-defined
/// (e.g. Gemma's <c>&lt;start_of_turn&gt;</c>) or control symbols, which we need as special tokens.
/// </summary>
internal static class SentencePieceModelFile
{
    private const int PiecesField = 1;
    private const int PieceTextField = 1;
    private const int PieceTypeField = 3;

    public static IReadOnlyList<SentencePieceEntry> ReadPieces(byte[] model, string path)
    {
        var pieces = new List<SentencePieceEntry>();
        var reader = new ProtoReader(model, 0, model.Length, path);
        while (!reader.AtEnd)
        {
            var (field, wireType) = reader.ReadTag();
            if (field == PiecesField && wireType == ProtoReader.LengthDelimited)
            {
                pieces.Add(ReadPiece(reader.ReadLengthDelimited()));
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        if (pieces.Count == 0)
        {
            throw new DisdException($"{path}: no sentencepiece pieces found; expected a SentencePiece tokenizer.model (protobuf ModelProto).");
        }

        return pieces;
    }

    private static SentencePieceEntry ReadPiece(ProtoReader reader)
    {
        string text = "";
        var kind = SentencePieceKind.Normal;
        while (!reader.AtEnd)
        {
            var (field, wireType) = reader.ReadTag();
            if (field == PieceTextField && wireType == ProtoReader.LengthDelimited)
            {
                text = reader.ReadLengthDelimited().ReadUtf8();
            }
            else if (field == PieceTypeField && wireType == ProtoReader.Varint)
            {
                kind = (SentencePieceKind)reader.ReadVarint();
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        return new SentencePieceEntry(text, kind);
    }

    private sealed class ProtoReader(byte[] buffer, int start, int end, string path)
    {
        public const int Varint = 0;
        public const int Fixed64 = 1;
        public const int LengthDelimited = 2;
        public const int Fixed32 = 5;

        private int _position = start;

        public bool AtEnd => _position >= end;

        public (int Field, int WireType) ReadTag()
        {
            ulong tag = ReadVarint();
            return ((int)(tag >> 3), (int)(tag & 7));
        }

        public ulong ReadVarint()
        {
            ulong value = 0;
            for (int shift = 0; shift < 64; shift += 7)
            {
                Require(1);
                byte b = buffer[_position++];
                value |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    return value;
                }
            }

            throw Corrupt("varint longer than 10 bytes");
        }

        public ProtoReader ReadLengthDelimited()
        {
            ulong length = ReadVarint();
            if (length > (ulong)(end - _position))
            {
                throw Corrupt("length-delimited field runs past its message");
            }

            var inner = new ProtoReader(buffer, _position, _position + (int)length, path);
            _position += (int)length;
            return inner;
        }

        public string ReadUtf8() => Encoding.UTF8.GetString(buffer, _position, end - _position);

        public void Skip(int wireType)
        {
            switch (wireType)
            {
                case Varint: ReadVarint(); break;
                case Fixed64: Require(8); _position += 8; break;
                case LengthDelimited: ReadLengthDelimited(); break;
                case Fixed32: Require(4); _position += 4; break;
                default: throw Corrupt($"unsupported protobuf wire type {wireType}");
            }
        }

        private void Require(int count)
        {
            if (_position + count > end)
            {
                throw Corrupt("truncated protobuf");
            }
        }

        private DisdException Corrupt(string what) =>
            new($"{path}: {what} at byte {_position}; expected a SentencePiece tokenizer.model (protobuf ModelProto).");
    }
}
