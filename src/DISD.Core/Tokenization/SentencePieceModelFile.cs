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

/// <summary>sentencepiece's <c>TrainerSpec.ModelType</c>.</summary>
internal enum SentencePieceModelType
{
    Unigram = 1,
    Bpe = 2,
    Word = 3,
    Char = 4,
}

internal readonly record struct SentencePieceEntry(string Text, float Score, SentencePieceKind Kind);

/// <summary>The parts of <c>TrainerSpec</c> that encoding depends on (defaults as in sentencepiece_model.proto).</summary>
internal sealed record SentencePieceTrainerSpec(SentencePieceModelType ModelType, bool ByteFallback, bool TreatWhitespaceAsSuffix);

/// <summary>
/// <c>NormalizerSpec</c> (defaults as in sentencepiece_model.proto). Only the length of <c>precompiled_charsmap</c> is
/// kept: a non-empty one means a normalization we do not implement.
/// </summary>
internal sealed record SentencePieceNormalizerSpec(
    string Name,
    int PrecompiledCharsmapLength,
    bool AddDummyPrefix,
    bool RemoveExtraWhitespaces,
    bool EscapeWhitespaces);

internal sealed record SentencePieceModel(
    IReadOnlyList<SentencePieceEntry> Pieces,
    SentencePieceTrainerSpec Trainer,
    SentencePieceNormalizerSpec Normalizer);

/// <summary>
/// Reads a sentencepiece <c>.model</c> file (protobuf <c>ModelProto</c>). Microsoft.ML.Tokenizers parses the same
/// protobuf but keeps it internal, and its public vocabulary does not say which pieces are user-defined (e.g. Gemma's
/// <c>&lt;start_of_turn&gt;</c>) or control symbols, nor give scores and the normalizer switches we encode with.
/// </summary>
internal static class SentencePieceModelFile
{
    public static SentencePieceModel Read(byte[] model, string path)
    {
        var pieces = new List<SentencePieceEntry>();
        var trainer = new SentencePieceTrainerSpec(SentencePieceModelType.Unigram, false, false);
        var normalizer = new SentencePieceNormalizerSpec("", 0, true, true, true);
        var reader = new ProtoReader(model, 0, model.Length, path);
        while (!reader.AtEnd)
        {
            var (field, wireType) = reader.ReadTag();
            switch (field, wireType)
            {
                case (1, ProtoReader.LengthDelimited): pieces.Add(ReadPiece(reader.ReadLengthDelimited())); break;
                case (2, ProtoReader.LengthDelimited): trainer = ReadTrainer(reader.ReadLengthDelimited(), trainer); break;
                case (3, ProtoReader.LengthDelimited): normalizer = ReadNormalizer(reader.ReadLengthDelimited(), normalizer); break;
                default: reader.Skip(wireType); break;
            }
        }

        if (pieces.Count == 0)
        {
            throw new DisdException($"{path}: no sentencepiece pieces found; expected a SentencePiece tokenizer.model (protobuf ModelProto).");
        }

        return new SentencePieceModel(pieces, trainer, normalizer);
    }

    private static SentencePieceEntry ReadPiece(ProtoReader reader)
    {
        string text = "";
        float score = 0;
        var kind = SentencePieceKind.Normal;
        while (!reader.AtEnd)
        {
            var (field, wireType) = reader.ReadTag();
            switch (field, wireType)
            {
                case (1, ProtoReader.LengthDelimited): text = reader.ReadLengthDelimited().ReadUtf8(); break;
                case (2, ProtoReader.Fixed32): score = reader.ReadFloat(); break;
                case (3, ProtoReader.Varint): kind = (SentencePieceKind)reader.ReadVarint(); break;
                default: reader.Skip(wireType); break;
            }
        }

        return new SentencePieceEntry(text, score, kind);
    }

    private static SentencePieceTrainerSpec ReadTrainer(ProtoReader reader, SentencePieceTrainerSpec spec)
    {
        while (!reader.AtEnd)
        {
            var (field, wireType) = reader.ReadTag();
            switch (field, wireType)
            {
                case (3, ProtoReader.Varint): spec = spec with { ModelType = (SentencePieceModelType)reader.ReadVarint() }; break;
                case (24, ProtoReader.Varint): spec = spec with { TreatWhitespaceAsSuffix = reader.ReadBool() }; break;
                case (35, ProtoReader.Varint): spec = spec with { ByteFallback = reader.ReadBool() }; break;
                default: reader.Skip(wireType); break;
            }
        }

        return spec;
    }

    private static SentencePieceNormalizerSpec ReadNormalizer(ProtoReader reader, SentencePieceNormalizerSpec spec)
    {
        while (!reader.AtEnd)
        {
            var (field, wireType) = reader.ReadTag();
            switch (field, wireType)
            {
                case (1, ProtoReader.LengthDelimited): spec = spec with { Name = reader.ReadLengthDelimited().ReadUtf8() }; break;
                case (2, ProtoReader.LengthDelimited): spec = spec with { PrecompiledCharsmapLength = reader.ReadLengthDelimited().Length }; break;
                case (3, ProtoReader.Varint): spec = spec with { AddDummyPrefix = reader.ReadBool() }; break;
                case (4, ProtoReader.Varint): spec = spec with { RemoveExtraWhitespaces = reader.ReadBool() }; break;
                case (5, ProtoReader.Varint): spec = spec with { EscapeWhitespaces = reader.ReadBool() }; break;
                default: reader.Skip(wireType); break;
            }
        }

        return spec;
    }
}
