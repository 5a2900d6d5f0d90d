using System.Buffers.Binary;
using System.Text;

namespace DISD.Tokenization;

/// <summary>A minimal protobuf wire-format reader for sentencepiece's <c>ModelProto</c>; errors name the file.</summary>
internal sealed class ProtoReader(byte[] buffer, int start, int end, string path)
{
    public const int Varint = 0;
    public const int Fixed64 = 1;
    public const int LengthDelimited = 2;
    public const int Fixed32 = 5;

    private readonly int _start = start;
    private int _position = start;

    public bool AtEnd => _position >= end;

    public int Length => end - _start;

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

    public bool ReadBool() => ReadVarint() != 0;

    public float ReadFloat()
    {
        Require(4);
        float value = BinaryPrimitives.ReadSingleLittleEndian(buffer.AsSpan(_position, 4));
        _position += 4;
        return value;
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
