using System.Text.Json;
using DISD.Tests.Cli;
using DISD.Tests.IO;

namespace DISD.Tests.Speculate;

/// <summary>--trace lines and Spec-Bench answer files as other tools read them.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class SpeculateTraceAndSpecBenchCliTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("gemma2-wordnet-small", "wmh", "disd")]
    [InlineData("ngram", "gumbel", "disd")]
    [InlineData("gemma2-wordnet-medium", "gumbel", "standard")]
    public void TraceRoundsAddUpToTheOutput(string drafter, string coupling, string method)
    {
        var trace = _temp.File("trace.jsonl");
        var json = DemoModels.SpeculateJson("--input-text", "What is a lion? A lion is a large cat. What is a lion?",
            "--max-new-tokens", "30", "--drafter", drafter, "--coupling", coupling, "--method", method, "--top-p", "0.9",
            "--trace", trace, "--seed", "3");
        var tokens = DemoModels.TokenIds(json);
        var lines = File.ReadAllLines(trace).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(tokens.Length, lines.Sum(l => l.GetProperty("emitted").GetInt32()));
        Assert.Equal(json.GetProperty("accepted_drafts").GetInt32(), lines.Sum(l => l.GetProperty("accepted").GetInt32()));
        Assert.Equal(json.GetProperty("proposed_drafts").GetInt32(), lines.Sum(l => l.GetProperty("k").GetInt32()));
        Assert.Equal((double)tokens.Length / lines.Count, json.GetProperty("mean_accepted_length").GetDouble(), 12);
        Assert.Equal(lines.Count, json.GetProperty("accepted_histogram").EnumerateArray().Sum(x => x.GetInt32()));
        var position = 0;
        foreach (var line in lines)
        {
            Assert.Equal(position, line.GetProperty("output_position").GetInt32());
            var k = line.GetProperty("k").GetInt32();
            Assert.Equal(k, line.GetProperty("drafted").GetArrayLength());
            Assert.Equal(k + 1, line.GetProperty("target_samples").GetArrayLength());
            Assert.InRange(line.GetProperty("accepted").GetInt32(), 0, k);
            foreach (var name in new[] { "drafter_seconds", "target_seconds", "host_seconds" })
                Assert.True(line.GetProperty(name).GetDouble() >= 0);
            position += line.GetProperty("emitted").GetInt32();
        }
        Assert.Equal("temperature 1, top-p 0.9", json.GetProperty("config").GetProperty("sampling").GetString());
    }

    [Fact]
    public void AnswersFollowSpecBenchsFormat()
    {
        var questions = _temp.File("question.jsonl");
        File.WriteAllLines(questions,
        [
            """{"question_id": 7, "category": "qa", "turns": ["What is a lion?", "What is a cat?"]}""",
            "",
            """{"question_id": 8, "category": "rag", "turns": ["A hawk is a bird. What is a hawk?"]}""",
        ]);
        var answers = _temp.File("out/answers.jsonl");
        var baseline = _temp.File("out/baseline.jsonl");
        var trace = _temp.File("trace.jsonl");
        var json = DemoModels.SpeculateJson("--questions", questions, "--answers", answers, "--baseline-answers", baseline,
            "--max-new-tokens", "12", "--drafter", "ngram", "--chat-date", "2025-01-01", "--trace", trace);
        foreach (var file in new[] { answers, baseline })
        {
            var lines = File.ReadAllLines(file).Select(l => JsonDocument.Parse(l).RootElement).ToList();
            Assert.Equal(2, lines.Count);
            Assert.Equal([7, 8], lines.Select(l => l.GetProperty("question_id").GetInt32()));
            Assert.Equal(["qa", "rag"], lines.Select(l => l.GetProperty("category").GetString()));
            foreach (var (line, turns) in lines.Zip(new[] { 2, 1 }))
            {
                Assert.Equal(JsonValueKind.String, line.GetProperty("answer_id").ValueKind);
                Assert.Equal(JsonValueKind.String, line.GetProperty("model_id").ValueKind);
                Assert.Equal(JsonValueKind.Number, line.GetProperty("tstamp").ValueKind);
                var choice = line.GetProperty("choices")[0];
                Assert.Equal(0, choice.GetProperty("index").GetInt32());
                Assert.Equal(turns, choice.GetProperty("turns").EnumerateArray().Count(t => t.ValueKind == JsonValueKind.String));
                var newTokens = Ints(choice, "new_tokens");
                var steps = Ints(choice, "decoding_steps");
                var accepts = Ints(choice, "accept_lengths");
                Assert.Equal(turns, newTokens.Length);
                Assert.Equal(turns, steps.Length);
                Assert.Equal(turns, choice.GetProperty("wall_time").EnumerateArray().Count(t => t.GetDouble() > 0));
                // speed.py: Σ new_tokens / Σ wall_time per question, mean of accept_lengths = τ.
                Assert.Equal(newTokens.Sum(), accepts.Sum());
                Assert.Equal(steps.Sum(), accepts.Length);
            }
        }
        var categories = json.GetProperty("categories").EnumerateArray().ToList();
        Assert.Equal(["qa", "rag", "overall"], categories.Select(c => c.GetProperty("category").GetString()));
        Assert.All(categories, c => Assert.True(c.GetProperty("identical_to_target_only").GetBoolean()));
        Assert.Equal(3, File.ReadAllLines(trace).Select(l => JsonDocument.Parse(l).RootElement)
            .Select(l => (l.GetProperty("question_id").GetString(), l.GetProperty("turn").GetInt32())).Distinct().Count());
    }

    private static int[] Ints(JsonElement choice, string name) =>
        choice.GetProperty(name).EnumerateArray().Select(x => x.GetInt32()).ToArray();
}
