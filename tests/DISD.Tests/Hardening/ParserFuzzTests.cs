using System.Text;
using Xunit.Abstractions;
using DISD.IO;
using DISD.Models;
using DISD.Models.Config;
using DISD.Models.Loading;

namespace DISD.Tests.Hardening;

/// <summary>
/// Seeded in-process fuzzing of the safetensors header parser and the config reader: every mutation of a valid input
/// must either parse or fail with a <see cref="DisdException"/>; any other exception fails the test with the seed and
/// the input. Mutations: byte flips, insertions of JSON fragments chosen to break types, ranges, escapes and nesting,
/// deletions and duplications of spans.
/// </summary>
public class ParserFuzzTests(ITestOutputHelper output)
{
    public const int Mutations = 20_000;

    private static readonly string[] Fragments =
    [
        "\"\\ud800\"", "\"\\udc00x\"", "\\ud800", "{", "}", "[", "]", ",", ":", "\"", "-1", "0", "1e400", "-1e400", "2.5",
        "99999999999999999999", "4294967296", "null", "true", "\"F32\"", "\"dtype\"", "\"shape\"", "\"data_offsets\"",
        "\"__metadata__\"", "[-1]", "[0, 4]", "{}", "[]", "\"\\u0000\"", "\u00e9", "\uffff", "\"num_hidden_layers\": -1,",
        "\"head_dim\": 0,", "\"sliding_window\": -5,", "\"num_attention_heads\": 0,", "\"intermediate_size\": 1000000000,",
        "\"rope_parameters\": {\"rope_type\": \"llama3\"},", "\"layer_types\": [\"full_attention\"],",
    ];

    private static readonly byte[] Header = Encoding.UTF8.GetBytes(
        """{"__metadata__": {"format": "pt"}, "a": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]},"""
        + """ "b": {"dtype": "BF16", "shape": [4], "data_offsets": [16, 24]}}""");

    [Fact]
    public void SafetensorsHeaderMutationsOnlyEverRaiseDisdException()
    {
        var outcome = Fuzz(seed: 20240601, Header, header => SafetensorsHeader.Parse("fuzz.safetensors", header, 8 + header.Length, 24));
        output.WriteLine($"safetensors header: {Mutations} mutations, {outcome.Parsed} parsed, {outcome.Refused} refused with DisdException");
        Assert.True(outcome.Parsed > 0 && outcome.Refused > 0, $"parsed {outcome.Parsed}, refused {outcome.Refused}");
    }

    [Fact]
    public void ConfigMutationsOnlyEverRaiseDisdException()
    {
        var config = File.ReadAllBytes(Path.Combine(EmbeddedModels.PathOf(EmbeddedModels.Small), "config.json"));
        var outcome = Fuzz(seed: 20240602, config, bytes =>
        {
            using var document = StrictJson.Parse(bytes, "fuzz/config.json");
            var json = new ConfigJson(document.RootElement.Clone(), "fuzz/config.json");
            Gemma2Config.FromJson(json);
            Gemma3Config.FromJson(json);
            LlamaConfig.FromJson(json);
            Qwen2Config.FromJson(json);
        });
        output.WriteLine($"config.json: {Mutations} mutations, {outcome.Parsed} parsed, {outcome.Refused} refused with DisdException");
        Assert.True(outcome.Parsed > 0 && outcome.Refused > 0, $"parsed {outcome.Parsed}, refused {outcome.Refused}");
    }

    private static (int Parsed, int Refused) Fuzz(int seed, byte[] valid, Action<byte[]> parse)
    {
        var random = new Random(seed);
        int parsed = 0, refused = 0;
        for (int i = 0; i < Mutations; i++)
        {
            var input = Mutate(valid, random);
            try
            {
                parse(input);
                parsed++;
            }
            catch (DisdException)
            {
                refused++;
            }
            catch (Exception e)
            {
                Assert.Fail($"mutation {i} (seed {seed}) raised {e.GetType().Name}: {e.Message}\ninput: {Encoding.UTF8.GetString(input)}");
            }
        }
        return (parsed, refused);
    }

    private static byte[] Mutate(byte[] valid, Random random)
    {
        var bytes = new List<byte>(valid);
        int edits = 1 + random.Next(3);
        for (int e = 0; e < edits && bytes.Count > 0; e++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 1:
                case 2:
                    bytes.InsertRange(at, Encoding.UTF8.GetBytes(Fragments[random.Next(Fragments.Length)]));
                    break;
                case 3:
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + random.Next(8)));
                    break;
                default:
                    int length = Math.Min(bytes.Count - at, 1 + random.Next(16));
                    bytes.InsertRange(random.Next(bytes.Count), bytes.GetRange(at, length));
                    break;
            }
        }
        return [.. bytes];
    }
}
