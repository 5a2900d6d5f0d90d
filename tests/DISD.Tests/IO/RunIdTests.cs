using DISD.IO;

namespace DISD.Tests.IO;

/// <summary>The run id is a digest of what determines the tables: equal for reruns, different when any of it changes.</summary>
public class RunIdTests
{
    private static RunManifest Manifest(ulong seed = 0, double generateSeconds = 1.5, string path = "/data/a") => new RunManifest(
        "", "What is a lion?", false, null, [2, 5, 7],
        [new ManifestModel("large", "gemma2-wordnet-large", path, "abc", "gemma2-wordnet-large", path + "/gemma2-wordnet-large_probs.csv")],
        4096, "float32", "cpu", seed, "sample", 1.0, null, 3, false, [9, 10, 11], "a lion",
        SoftwareVersions.Current(), new RunTimings(0.2, generateSeconds, 0.1)).WithContentRunId();

    [Fact]
    public void A_rerun_gets_the_same_id_whatever_its_timings_and_paths()
    {
        Assert.Matches("^[0-9a-f]{32}$", Manifest().RunId);
        Assert.Equal(Manifest().RunId, Manifest(generateSeconds: 9.0, path: "/elsewhere").RunId);
    }

    [Fact]
    public void Another_seed_or_continuation_gets_another_id()
    {
        Assert.NotEqual(Manifest().RunId, Manifest(seed: 1).RunId);
        Assert.NotEqual(Manifest().RunId, (Manifest() with { RunId = "", TokenIds = [9, 10, 12] }).WithContentRunId().RunId);
    }
}
