using DISD.Tests.Models;
using DISD.Tokenization;

namespace DISD.Tests.Tokenization;

/// <summary>Checkpoints whose tokenizer files agree share one loaded tokenizer (Tokenization/TokenizerCache).</summary>
public class TokenizerCacheTests
{
    [Fact]
    public void FoldersWithTheSameTokenizerFilesShareOneTokenizerWhateverTheirModelConfig()
    {
        using var root = new TempDirectory();
        string a = Copy(root.Path, "a"), b = Copy(root.Path, "b");
        File.WriteAllText(Path.Combine(b, "config.json"), File.ReadAllText(Path.Combine(b, "config.json")).Replace("\"hidden_size\"",
            "\"unused\": 1, \"hidden_size\""));
        var cache = new TokenizerCache();
        var first = cache.Load(a);
        var second = cache.Load(b);
        Assert.Same(first, second);
        Assert.Equal(1, cache.Parsed);
        Assert.Equal(TextTokenizer.Load(b).Encode("What is a lion?"), second.Encode("What is a lion?"));
    }

    [Theory]
    [InlineData("tokenizer_config.json")]
    [InlineData("config.json")]
    [InlineData("chat_template.jinja")]
    public void AnyDifferenceInWhatTheTokenizerReadsLoadsItAgain(string changed)
    {
        using var root = new TempDirectory();
        string a = Copy(root.Path, "a"), b = Copy(root.Path, "b");
        string path = Path.Combine(b, changed);
        switch (changed)
        {
            case "config.json":
                File.WriteAllText(path, File.ReadAllText(path).Replace("\"eos_token_id\": 1", "\"eos_token_id\": 3"));
                break;
            case "chat_template.jinja":
                File.WriteAllText(path, "{{ messages[0]['content'] }}");
                break;
            default:
                File.WriteAllText(path, File.ReadAllText(path).TrimEnd().TrimEnd('}') + ", \"unused_key\": 1}");
                break;
        }
        var cache = new TokenizerCache();
        Assert.NotSame(cache.Load(a), cache.Load(b));
        Assert.Equal(2, cache.Parsed);
    }

    private static string Copy(string root, string name)
    {
        string source = ModelFixtures.DemoModelDir("small"), target = Path.Combine(root, name);
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source).Where(f => !f.EndsWith(".safetensors", StringComparison.Ordinal)))
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        return target;
    }
}
