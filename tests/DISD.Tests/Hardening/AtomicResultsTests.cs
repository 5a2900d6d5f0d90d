using DISD.IO;
using DISD.Tests.IO;

namespace DISD.Tests.Hardening;

/// <summary>Result folders are replaced as a whole: no file of an earlier run survives, concurrent writers never mix.</summary>
public sealed class AtomicResultsTests : IDisposable
{
    private readonly TempFolder _root = new();

    public void Dispose() => _root.Dispose();

    private static void Stage(string target, string tag, params string[] names)
    {
        using var staged = new StagedFolder(target);
        foreach (var name in names)
        {
            File.WriteAllText(staged.Stage(name), tag);
        }

        staged.Commit();
    }

    [Fact]
    public void ACommitReplacesTheWholeFolderSoNoFileOfAnEarlierRunRemains()
    {
        var target = _root.File("data", "prompt");
        Stage(target, "run 1", "large_probs.csv", "medium_probs.csv", "manifest.json");
        File.WriteAllText(Path.Combine(target, "coupling_large_vs_medium.csv"), "run 1");

        Stage(target, "run 2", "large_probs.csv", "manifest.json");

        Assert.Equal([Path.Combine("data", "prompt", "large_probs.csv"), Path.Combine("data", "prompt", "manifest.json")], _root.AllFiles());
        Assert.All(_root.AllFiles(), file => Assert.Equal("run 2", File.ReadAllText(_root.File(file))));
    }

    [Fact]
    public void LeftoversOfKilledRunsAreRemovedAndAFolderMovedAsideIsPutBack()
    {
        var data = _root.File("data");
        var staging = StaleOutputs.WorkPath(data, "prompt", StaleOutputs.StagingSuffix);
        Directory.CreateDirectory(staging);
        File.WriteAllText(Path.Combine(staging, "large_probs.csv"), "half");
        var aside = StaleOutputs.WorkPath(data, "other", StaleOutputs.AsideSuffix);
        Directory.CreateDirectory(aside);
        File.WriteAllText(Path.Combine(aside, "manifest.json"), "the old result of 'other'");
        var temp = StaleOutputs.WorkPath(data, "x.csv", StaleOutputs.TempSuffix);
        File.WriteAllText(temp, "half");
        File.WriteAllText(Path.Combine(data, ".not-ours.staging"), "kept: not a work name");

        Stage(Path.Combine(data, "prompt"), "new", "manifest.json");

        Assert.Equal(
            [Path.Combine("data", ".not-ours.staging"), Path.Combine("data", "other", "manifest.json"), Path.Combine("data", "prompt", "manifest.json")],
            _root.AllFiles());
        Assert.Empty(ResultFolderChecks.Debris(data));
    }

    [Fact]
    public void WithoutExchangeTheOldFolderIsRenamedAsideThenTheNewOneIn()
    {
        var data = _root.File("data");
        var target = Path.Combine(data, "prompt");
        _root.WriteText(Path.Combine("data", "prompt", "old.csv"), "old");
        var staged = StaleOutputs.WorkPath(data, "prompt", StaleOutputs.StagingSuffix);
        _root.WriteText(Path.Combine("data", Path.GetFileName(staged), "new.csv"), "new");

        var aside = FolderSwap.RenameAsideThenIn(staged, target);

        Assert.NotNull(aside);
        Assert.Matches(@"^\.prompt\.[0-9a-f]{32}\.old$", Path.GetFileName(aside));
        Assert.Equal("old", File.ReadAllText(Path.Combine(aside, "old.csv")));
        Assert.Equal(["new.csv"], Directory.EnumerateFiles(target).Select(Path.GetFileName));
        Assert.True(UnfinishedOutputs.Delete(aside));
        var first = StaleOutputs.WorkPath(data, "first", StaleOutputs.StagingSuffix);
        Directory.CreateDirectory(first);
        Assert.Null(FolderSwap.RenameAsideThenIn(first, Path.Combine(data, "first")));
        Assert.Empty(ResultFolderChecks.Debris(_root.Path));
    }

    [Fact]
    public void AnUncommittedFolderLeavesNothingAndKeepsTheOldOne()
    {
        var target = _root.File("data", "prompt");
        Stage(target, "old", "a.csv");
        using (var staged = new StagedFolder(target))
        {
            File.WriteAllText(staged.Stage("a.csv"), "new");
        }

        Assert.Equal("old", File.ReadAllText(Path.Combine(target, "a.csv")));
        Assert.Empty(ResultFolderChecks.Debris(_root.Path));
        Assert.DoesNotContain(UnfinishedOutputs.Registered, p => p.StartsWith(_root.Path, StringComparison.Ordinal));
    }

    [Fact]
    public void ConcurrentWritersNeverLeaveAMixedFolderAndLockedReadersNeverSeeOne()
    {
        var data = _root.File("data");
        var target = Path.Combine(data, "prompt");
        Stage(target, "writer 0 iteration -1", "a.csv", "b.csv", "manifest.json");
        var mixed = 0;
        var reads = 0;
        var stop = false;
        // Threads, not tasks: they block in flock.
        var readers = Enumerable.Range(0, 2).Select(_ => new Thread(() =>
        {
            while (!Volatile.Read(ref stop))
            {
                using var shared = ResultLock.Shared([data]);
                var files = Directory.EnumerateFiles(target).Order(StringComparer.Ordinal).ToList();
                var tags = files.Select(File.ReadAllText).Distinct().ToList();
                // Odd writers also write c.csv: the file set must match the writer.
                var odd = tags.Count == 1 && int.Parse(tags[0].Split(' ')[1]) % 2 != 0;
                if (tags.Count != 1 || files.Count != (odd ? 4 : 3)) Interlocked.Increment(ref mixed);
                Interlocked.Increment(ref reads);
            }
        })).ToArray();
        var writers = Enumerable.Range(0, 6).Select(w => new Thread(() =>
        {
            for (var i = 0; i < 20; i++)
            {
                string[] names = w % 2 == 0 ? ["a.csv", "b.csv", "manifest.json"] : ["a.csv", "b.csv", "c.csv", "manifest.json"];
                Stage(target, $"writer {w} iteration {i}", names);
            }
        })).ToArray();
        foreach (var thread in readers.Concat(writers)) thread.Start();
        foreach (var thread in writers) thread.Join();
        Volatile.Write(ref stop, true);
        foreach (var thread in readers) thread.Join();

        Assert.Equal(0, mixed);
        Assert.True(reads > 0);
        Assert.Empty(ResultFolderChecks.Debris(_root.Path));
        Assert.Single(Directory.EnumerateFileSystemEntries(data));
    }

    [Fact]
    public void ConcurrentGenerateRunsIntoOneFolderLeaveOneWholeRun()
    {
        var data = _root.File("data");
        ulong[] seeds = [21, 22, 23];
        var children = seeds.Select(seed => new DisdChild("generate-distribution", "--input-text", "What is a lion?", "--num-tokens", "24",
            "--seed", $"{seed}", "--data-dir", data)).ToList();
        var results = children.Select(c => c.Wait()).ToList();
        children.ForEach(c => c.Dispose());

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.Stderr));
        var manifest = ResultFolderChecks.AssertWhole(Path.Combine(data, "What_is_a_lion"));
        Assert.Contains(manifest.Seed, seeds);
        Assert.Empty(ResultFolderChecks.Debris(_root.Path));
    }
}
