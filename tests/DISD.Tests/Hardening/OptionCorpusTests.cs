using DISD.Tests.Cli;

namespace DISD.Tests.Hardening;

/// <summary>Bad options, values, paths and tables across the three verbs: exit 2, one line naming the option or file, no debris.</summary>
[Collection(ConsoleCollection.Name)]
public class OptionCorpusTests
{
    private static readonly Dictionary<string, (Func<HardeningRun, string[]> Args, string Culprit)> Cases = new()
    {
        ["unknown verb"] = (_ => ["generate-distributon"], "unknown verb 'generate-distributon' (did you mean generate-distribution?); the verbs are"),
        ["num-retries past int"] = (_ => ["plot-coupling", "--input-text", "x", "--num-retries", "1000000000000"],
            "--num-retries 1000000000000 is too large; expected an integer of at most 2147483647"),
        ["threads above the limit"] = (_ => ["speculate", "--input-text", "x", "--threads", "1000"], "CPU cores); give at most"),
        ["unknown verb far from any"] = (_ => ["xyzzy"], "unknown verb 'xyzzy'"),
        ["unknown option"] = (r => ["generate-distribution", "--num-token", "3", "--data-dir", r.DataDir], "did you mean --num-tokens?"),
        ["unknown option snake_case"] = (_ => ["speculate", "--max_new_token", "3"], "did you mean --max-new-tokens?"),
        ["unknown plot option"] = (_ => ["plot-coupling", "--input-text", "x", "--num-retrie", "3"], "did you mean --num-retries?"),
        ["seed negative"] = (_ => ["speculate", "--seed", "-1"], "--seed: expected an integer from 0 to 18446744073709551615, got '-1'"),
        ["seed not a number"] = (_ => ["plot-coupling", "--input-text", "x", "--seed", "abc"], "--seed"),
        ["num-tokens zero"] = (r => ["generate-distribution", "--input-text", "x", "--num-tokens", "0", "--data-dir", r.DataDir],
            "--num-tokens must be positive"),
        ["num-tokens 1e8"] = (r => ["generate-distribution", "--input-text", "x", "--num-tokens", "100000000", "--data-dir", r.DataDir],
            "--num-tokens 100000000 is above the limit"),
        ["num-tokens past int"] = (r => ["generate-distribution", "--input-text", "x", "--num-tokens", "99999999999", "--data-dir", r.DataDir], "--num-tokens"),
        ["num-tokens past the context"] = (r => ["generate-distribution", "--input-text", "x", "--num-tokens", "5000", "--data-dir", r.DataDir],
            "--allow-beyond-context"),
        ["max-new-tokens 1e8"] = (_ => ["speculate", "--input-text", "x", "--max-new-tokens", "100000000"], "--max-new-tokens 100000000 is above the limit"),
        ["max-new-tokens past the context"] = (_ => ["speculate", "--input-text", "x", "--max-new-tokens", "2000"], "trained for 1024 positions"),
        ["threads 100000"] = (_ => ["speculate", "--input-text", "x", "--threads", "100000"], "--threads 100000 is above the limit"),
        ["threads negative"] = (_ => ["speculate", "--input-text", "x", "--threads", "-1"], "--threads"),
        ["temperature 1e-40"] = (r => ["generate-distribution", "--input-text", "x", "--temperature", "1e-40", "--data-dir", r.DataDir], "below the minimum"),
        ["temperature 1e-300 verify"] = (_ => ["speculate", "--input-text", "x", "--temperature", "1e-300", "--verify"], "below the minimum"),
        ["temperature NaN"] = (_ => ["speculate", "--input-text", "x", "--temperature", "NaN"], "--temperature"),
        ["temperature negative"] = (r => ["generate-distribution", "--input-text", "x", "--temperature", "-1", "--data-dir", r.DataDir], "--temperature"),
        ["temperature infinite"] = (r => ["generate-distribution", "--input-text", "x", "--temperature", "Infinity", "--data-dir", r.DataDir], "--temperature"),
        ["decoding unknown"] = (r => ["generate-distribution", "--input-text", "x", "--decoding", "beam", "--data-dir", r.DataDir], "--decoding"),
        ["dtype unknown"] = (_ => ["speculate", "--input-text", "x", "--dtype", "int8"], "--dtype"),
        ["device unknown"] = (_ => ["speculate", "--input-text", "x", "--device", "tpu"], "tpu"),
        ["prompt ids outside the vocabulary"] = (r => ["generate-distribution", "--prompt-ids", "99999999", "--input-text", "x", "--data-dir", r.DataDir],
            "--prompt-ids"),
        ["prompt ids not numbers"] = (_ => ["speculate", "--prompt-ids", "a,b"], "--prompt-ids"),
        ["empty input text"] = (r => ["generate-distribution", "--input-text", "", "--data-dir", r.DataDir], "--input-text"),
        ["prompts-file a folder (generate)"] = (r => ["generate-distribution", "--prompts-file", r.Root, "--data-dir", r.DataDir], "is a folder"),
        ["prompts-file a folder (speculate)"] = (r => ["speculate", "--prompts-file", r.Root], "is a folder"),
        ["prompts-file missing"] = (r => ["generate-distribution", "--prompts-file", Path.Combine(r.Root, "none.txt"), "--data-dir", r.DataDir],
            "--prompts-file"),
        ["data-dir is a file"] = (r => ["generate-distribution", "--input-text", "x", "--data-dir", r.ModelFile("config.json")], "--data-dir"),
        ["img-dir in /proc"] = (_ => ["plot-coupling", "--input-text", "x", "--img-dir", "/proc/x"], "--img-dir /proc/x"),
        ["model folder missing"] = (r => ["generate-distribution", "--model-large", Path.Combine(r.Root, "nowhere"), "--model-small", "gemma2-wordnet-small",
            "--input-text", "x", "--data-dir", r.DataDir], "--model-large"),
        ["drafter missing"] = (r => ["speculate", "--input-text", "x", "--drafter", Path.Combine(r.Root, "nowhere")], "nowhere"),
        ["csv missing"] = (r => ["plot-coupling", "--input-text", "x", "--model-large", Path.Combine(r.Root, "none_probs.csv"), "--model-small",
            Path.Combine(r.Root, "none_probs.csv")], "none_probs.csv"),
        ["csv empty"] = (r => Plot(r, ""), "a_probs.csv"),
        ["csv header only"] = (r => Plot(r, "prob_0,prob_1\n"), "no data rows"),
        ["csv index column"] = (r => Plot(r, ",prob_0,prob_1\n0,0.5,0.5\n"), "header column 1"),
        ["csv not a number"] = (r => Plot(r, "prob_0,prob_1\n0.5,x\n"), "is not a number"),
        ["csv NaN"] = (r => Plot(r, "prob_0,prob_1\nNaN,0.5\n"), "not finite"),
        ["csv negative"] = (r => Plot(r, "prob_0,prob_1\n-0.5,1.5\n"), "negative"),
        ["csv does not sum to 1"] = (r => Plot(r, "prob_0,prob_1\n0.5,0.1\n"), "sums to"),
        ["csv ragged row"] = (r => Plot(r, "prob_0,prob_1\n0.5,0.25,0.25\n"), "columns"),
        ["csv one long line"] = (r => Plot(r, string.Join(',', Enumerable.Repeat("0.001", 200_000))), "header column 1"),
        ["csv data line too long"] = (r => Plot(r, "prob_0,prob_1\n" + string.Join(',', Enumerable.Repeat("0.001", 200_000))), "longer than"),
        ["csv binary"] = (r => Plot(r, "\0\u0001\u0002"), "a_probs.csv"),
    };

    public static TheoryData<string> Names() => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void BadOptionOrPathFailsCleanly(string name)
    {
        var (args, culprit) = Cases[name];
        using var run = new HardeningRun { Culprit = culprit };
        run.Cli(args(run));
    }

    /// <summary>plot-coupling of a table with <paramref name="csv"/> against itself, results going to the run's data folder.</summary>
    private static string[] Plot(HardeningRun run, string csv)
    {
        var table = Path.Combine(run.Root, "a_probs.csv");
        File.WriteAllText(table, csv);
        return ["plot-coupling", "--input-text", "x", "--model-large", table, "--model-small", table, "--data-dir", run.DataDir, "--img-dir",
            Path.Combine(run.Root, "img")];
    }
}
