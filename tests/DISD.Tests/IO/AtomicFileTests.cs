using DISD.IO;

namespace DISD.Tests.IO;

public sealed class AtomicFileTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void ReplacesTheTargetOnlyOnCommit()
    {
        var path = _folder.WriteText("out.txt", "old");

        using (var file = AtomicFile.Create(path))
        {
            file.Stream.Write("new"u8);
            Assert.Equal("old", File.ReadAllText(path));
            file.Commit();
        }

        Assert.Equal("new", File.ReadAllText(path));
        Assert.Equal(["out.txt"], _folder.AllFiles());
    }

    [Fact]
    public void AFailedWriteLeavesNothing()
    {
        var path = _folder.File("deep", "out.bin");

        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[1000]);
            throw new InvalidOperationException("boom");
        }));

        Assert.Empty(_folder.AllFiles());
    }
}
