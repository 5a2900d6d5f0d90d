using System.Security.Cryptography;
using System.Text;

namespace DISD.Tokenization;

/// <summary>A model taking part in a comparison: its tokenizer and the number of rows of its logits.</summary>
public sealed record VocabularyParticipant(string ModelName, TextTokenizer Tokenizer, int EmbeddingRows);

/// <summary>
/// Checks that several models speak the same vocabulary, so their next-token distributions can be coupled id by id.
/// Tokenizers must agree exactly (size and the text of every token); embedding tables may be padded past the
/// tokenizer (Qwen2.5-0.5B has 151,936 rows, 7B 152,064, both over a 151,665-token tokenizer).
/// </summary>
public static class VocabularyCheck
{
    /// <summary>
    /// The number of logit columns all models share (the smallest embedding row count, never below the tokenizer's
    /// vocabulary). Throws <see cref="DisdException"/> naming the models and the first token where they differ.
    /// </summary>
    public static int SharedVocabularySize(IReadOnlyList<VocabularyParticipant> models)
    {
        ArgumentNullException.ThrowIfNull(models);
        if (models.Count == 0)
        {
            throw new ArgumentException("At least one model is needed to check vocabularies.", nameof(models));
        }

        foreach (var model in models)
        {
            if (model.EmbeddingRows < model.Tokenizer.VocabSize)
            {
                throw new DisdException(
                    $"Model {model.ModelName} has {model.EmbeddingRows} embedding rows, fewer than the {model.Tokenizer.VocabSize} tokens of its tokenizer "
                        + $"{model.Tokenizer.SourcePath}.");
            }
        }

        var reference = models[0];
        string referenceDigest = Digest(reference.Tokenizer);
        foreach (var other in models.Skip(1))
        {
            if (other.Tokenizer.VocabSize != reference.Tokenizer.VocabSize)
            {
                throw new DisdException(
                    $"Models {reference.ModelName} and {other.ModelName} have different tokenizers: {reference.Tokenizer.VocabSize} vs "
                        + $"{other.Tokenizer.VocabSize} tokens ({reference.Tokenizer.SourcePath} vs {other.Tokenizer.SourcePath}).");
            }

            if (!ReferenceEquals(other.Tokenizer, reference.Tokenizer) && Digest(other.Tokenizer) != referenceDigest)
            {
                int id = FirstDifference(reference.Tokenizer, other.Tokenizer);
                throw new DisdException(
                    $"Models {reference.ModelName} and {other.ModelName} have different tokenizers: token {id} is \"{reference.Tokenizer.TokenText(id)}\" vs "
                        + $"\"{other.Tokenizer.TokenText(id)}\" ({reference.Tokenizer.SourcePath} vs {other.Tokenizer.SourcePath}).");
            }
        }

        return models.Min(m => m.EmbeddingRows);
    }

    /// <summary>Hex SHA-256 over the text of every token id in order (length-prefixed, so no two vocabularies collide by concatenation).</summary>
    public static string Digest(TextTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[4];
        for (int id = 0; id < tokenizer.VocabSize; id++)
        {
            byte[] text = Encoding.UTF8.GetBytes(tokenizer.TokenText(id));
            BitConverter.TryWriteBytes(length, text.Length);
            hash.AppendData(length);
            hash.AppendData(text);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static int FirstDifference(TextTokenizer a, TextTokenizer b)
    {
        for (int id = 0; id < a.VocabSize; id++)
        {
            if (!string.Equals(a.TokenText(id), b.TokenText(id), StringComparison.Ordinal))
            {
                return id;
            }
        }

        throw new InvalidOperationException("Digests differ but no token does.");
    }
}
