using System.Text.Json.Nodes;
using DISD.Tests.Cli;

namespace DISD.Tests.Hardening;

/// <summary>
/// Corrupt, truncated and hostile checkpoints (config.json, generation_config.json, tokenizer files, safetensors and
/// index files) given to generate-distribution: each ends with exit 2, one line naming the file or field, no debris.
/// </summary>
[Collection(ConsoleCollection.Name)]
public class CheckpointCorpusTests
{
    private const string Config = "config.json";

    private static readonly Dictionary<string, (Action<HardeningRun> Corrupt, string Culprit)> Cases = new()
    {
        ["config is an array"] = (r => r.WriteModelFile(Config, "[1,2,3]"), "config.json: expected a JSON object"),
        ["config lone surrogate value"] = (r => r.WriteModelFile(Config, """{"model_type": "\ud800"}"""), "config.json"),
        ["config lone surrogate key"] = (r => r.WriteModelFile(Config, """{"\udc00": 1, "model_type": "gemma2"}"""), "config.json"),
        ["config truncated"] = (r => r.WriteModelFile(Config, File.ReadAllText(r.ModelFile(Config))[..100]), "config.json: not valid JSON"),
        ["config empty"] = (r => r.WriteModelFile(Config, ""), "config.json: not valid JSON"),
        ["config invalid utf-8"] = (r => r.WriteModelFile(Config, [(byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}']),
            "config.json"),
        ["config deeply nested"] = (r => r.WriteModelFile(Config, new string('[', 100_000)), "config.json"),
        ["config duplicate key"] = (r => r.WriteModelFile(Config,
            File.ReadAllText(r.ModelFile(Config)).Replace("\"hidden_size\": 96,", "\"hidden_size\": 96, \"hidden_size\": 48,")),
            "\"hidden_size\" appears twice"),
        ["config is a folder"] = (r => { File.Delete(r.ModelFile(Config)); Directory.CreateDirectory(r.ModelFile(Config)); }, "config.json"),
        ["model_type missing"] = (r => r.EditConfig(c => c.Remove("model_type")), "model_type"),
        ["model_type unknown"] = (r => r.EditConfig(c => c["model_type"] = "gpt2"), "model_type 'gpt2' is not supported"),
        ["model_type a number"] = (r => r.EditConfig(c => c["model_type"] = 7), "model_type"),
        ["layers negative"] = (r => r.EditConfig(c => c["num_hidden_layers"] = -1), "num_hidden_layers"),
        ["layers 1e9"] = (r => r.EditConfig(c => c["num_hidden_layers"] = 1_000_000_000), "num_hidden_layers"),
        ["layers a string"] = (r => r.EditConfig(c => c["num_hidden_layers"] = "2"), "num_hidden_layers"),
        ["layers fractional"] = (r => r.EditConfig(c => c["num_hidden_layers"] = 2.5), "num_hidden_layers"),
        ["layers past int64"] = (r => r.WriteModelFile(Config,
            File.ReadAllText(r.ModelFile(Config)).Replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 99999999999999999999999")), "num_hidden_layers"),
        ["layers more than the weights"] = (r => r.EditConfig(c => { c["num_hidden_layers"] = 3; c.Remove("layer_types"); }), "layers.2"),
        ["heads zero without head_dim"] = (r => r.EditConfig(c => { c["num_attention_heads"] = 0; c.Remove("head_dim"); }), "num_attention_heads"),
        ["heads not a multiple of kv heads"] = (r => r.EditConfig(c => { c["num_attention_heads"] = 3; c["num_key_value_heads"] = 2; }), "num_key_value_heads"),
        ["kv heads zero"] = (r => r.EditConfig(c => c["num_key_value_heads"] = 0), "num_key_value_heads"),
        ["hidden not divisible by heads"] = (r => r.EditConfig(c => { c["hidden_size"] = 97; c.Remove("head_dim"); }), "hidden_size 97 is not divisible"),
        ["hidden zero"] = (r => r.EditConfig(c => c["hidden_size"] = 0), "hidden_size"),
        ["head_dim odd"] = (r => r.EditConfig(c => c["head_dim"] = 47), "head dimension 47"),
        ["head_dim huge"] = (r => r.EditConfig(c => c["head_dim"] = 1 << 20), "head_dim"),
        ["intermediate huge"] = (r => r.EditConfig(c => c["intermediate_size"] = 200_000_000), "intermediate_size"),
        ["intermediate mismatching the weights"] = (r => r.EditConfig(c => c["intermediate_size"] = 1 << 20), "the config does not match the weights"),
        ["vocab negative"] = (r => r.EditConfig(c => c["vocab_size"] = -1), "vocab_size"),
        ["vocab huge"] = (r => r.EditConfig(c => c["vocab_size"] = 1 << 30), "vocab_size"),
        ["sliding_window negative"] = (r => r.EditConfig(c => c["sliding_window"] = -5), "sliding_window"),
        ["sliding_window zero"] = (r => r.EditConfig(c => c["sliding_window"] = 0), "sliding_window"),
        ["rms_norm_eps negative"] = (r => r.EditConfig(c => c["rms_norm_eps"] = -1e-6), "rms_norm_eps"),
        ["rms_norm_eps a string"] = (r => r.EditConfig(c => c["rms_norm_eps"] = "tiny"), "rms_norm_eps"),
        ["rope_theta zero"] = (r => r.EditConfig(c => c["rope_parameters"]!["rope_theta"] = 0), "rope_theta"),
        ["rope_theta overflows"] = (r => r.WriteModelFile(Config, File.ReadAllText(r.ModelFile(Config)).Replace("10000.0", "1e400")), "rope_theta"),
        ["rope type unknown"] = (r => r.EditConfig(c => c["rope_parameters"]!["rope_type"] = "yarn"), "rope type 'yarn'"),
        ["softcap zero"] = (r => r.EditConfig(c => c["final_logit_softcapping"] = 0), "final_logit_softcapping"),
        ["query scalar negative"] = (r => r.EditConfig(c => c["query_pre_attn_scalar"] = -48), "query_pre_attn_scalar"),
        ["max positions zero"] = (r => r.EditConfig(c => c["max_position_embeddings"] = 0), "max_position_embeddings"),
        ["layer_types wrong count"] = (r => r.EditConfig(c => c["layer_types"] = new JsonArray("full_attention")), "layer_types"),
        ["layer_types unknown"] = (r => r.EditConfig(c => c["layer_types"] = new JsonArray("full_attention", "chunked")), "chunked"),
        ["dtype unsupported"] = (r => r.EditConfig(c => c["dtype"] = "int8"), "dtype 'int8'"),
        ["activation unsupported"] = (r => r.EditConfig(c => c["hidden_activation"] = "relu"), "activation 'relu'"),
        ["eos a string"] = (r => r.EditConfig(c => c["eos_token_id"] = "one"), "eos_token_id"),
        ["generation_config an array"] = (r => r.WriteModelFile("generation_config.json", "[1]"), "generation_config.json"),
        ["generation_config surrogate"] = (r => r.WriteModelFile("generation_config.json", """{"eos_token_id": 1, "x": "\ud800"}"""), "generation_config.json"),
        ["tokenizer_config an array"] = (r => r.WriteModelFile("tokenizer_config.json", "[]"), "tokenizer_config.json"),
        ["tokenizer_config surrogate"] = (r => r.WriteModelFile("tokenizer_config.json", """{"bos_token": "\udfff"}"""), "tokenizer_config.json"),
        ["tokenizer.model garbage"] = (r => r.WriteModelFile("tokenizer.model", [0xFF, 0xFF, 0xFF, 0x07, 0x01]), "tokenizer.model"),
        ["tokenizer.model empty"] = (r => r.WriteModelFile("tokenizer.model", []), "tokenizer.model"),
        ["tokenizer missing"] = (r => File.Delete(r.ModelFile("tokenizer.model")), "bad-model"),
        ["safetensors truncated"] = (r => Truncate(r.ModelFile("model.safetensors"), 0.5), "model.safetensors"),
        ["safetensors 3 bytes"] = (r => r.WriteModelFile("model.safetensors", [1, 2, 3]), "model.safetensors"),
        ["safetensors empty"] = (r => r.WriteModelFile("model.safetensors", []), "model.safetensors"),
        ["safetensors header length huge"] = (r => r.WriteModelFile("model.safetensors", BitConverter.GetBytes(1UL << 62)), "model.safetensors"),
        ["safetensors header an array"] = (r => r.WriteModelFile("model.safetensors", HardeningRun.Safetensors("[1]", [])), "model.safetensors"),
        ["safetensors header surrogate key"] = (r => r.WriteModelFile("model.safetensors",
            HardeningRun.Safetensors("""{"\ud800": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}""", new byte[4])), "model.safetensors"),
        ["safetensors header surrogate metadata"] = (r => r.WriteModelFile("model.safetensors",
            HardeningRun.Safetensors("""{"__metadata__": {"format": "\udbff"}}""", [])), "model.safetensors"),
        ["safetensors negative shape"] = (r => r.WriteModelFile("model.safetensors",
            HardeningRun.Safetensors("""{"w": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}""", new byte[4])), "model.safetensors"),
        ["safetensors unknown dtype"] = (r => r.WriteModelFile("model.safetensors",
            HardeningRun.Safetensors("""{"w": {"dtype": "Q4", "shape": [1], "data_offsets": [0, 4]}}""", new byte[4])), "model.safetensors"),
        ["safetensors offsets past the end"] = (r => r.WriteModelFile("model.safetensors",
            HardeningRun.Safetensors("""{"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}""", new byte[4])), "model.safetensors"),
        ["safetensors shape overflow"] = (r => r.WriteModelFile("model.safetensors",
            HardeningRun.Safetensors("""{"w": {"dtype": "F32", "shape": [4294967296, 4294967296], "data_offsets": [0, 4]}}""", new byte[4])),
            "model.safetensors"),
        ["safetensors duplicate tensor"] = (r => r.WriteModelFile("model.safetensors", HardeningRun.Safetensors(
            """{"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "w": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}""",
            new byte[8])), "model.safetensors"),
        ["safetensors huge layer index"] = (r => r.WriteModelFile("model.safetensors",
            HardeningRun.Safetensors("""{"model.layers.2000000000.w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}""", new byte[4])),
            "layer 2000000000"),
        ["index an array"] = (r => r.WriteModelFile("model.safetensors.index.json", "[]"), "model.safetensors.index.json"),
        ["index surrogate"] = (r => r.WriteModelFile("model.safetensors.index.json", """{"weight_map": {"\ud800": "model.safetensors"}}"""),
            "model.safetensors.index.json"),
        ["index without weight_map"] = (r => r.WriteModelFile("model.safetensors.index.json", """{"metadata": {}}"""), "weight_map"),
        ["index escapes the folder"] = (r => r.WriteModelFile("model.safetensors.index.json",
            """{"weight_map": {"model.embed_tokens.weight": "../model.safetensors"}}"""), "model.safetensors.index.json"),
        ["index names a missing shard"] = (r => r.WriteModelFile("model.safetensors.index.json",
            """{"weight_map": {"model.embed_tokens.weight": "shard-1.safetensors"}}"""), "shard-1.safetensors"),
        ["index invalid JSON"] = (r => r.WriteModelFile("model.safetensors.index.json", """{"weight_map": """), "model.safetensors.index.json"),
        ["index weight_map value a number"] = (r => r.WriteModelFile("model.safetensors.index.json", """{"weight_map": {"w": 3}}"""),
            "model.safetensors.index.json"),
    };

    public static TheoryData<string> Names() => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void BadCheckpointFailsCleanly(string name)
    {
        var (corrupt, culprit) = Cases[name];
        using var run = new HardeningRun(corrupt) { Culprit = culprit };
        run.Generate();
    }

    private static void Truncate(string path, double keep)
    {
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(int)(bytes.Length * keep)]);
    }
}
