using System.Text;
using DISD.Tests.Tokenization;
using Xunit.Abstractions;

namespace DISD.Tests.Build;

/// <summary>
/// No line of a C# file under src/, tests/ or bench/ is longer than <see cref="MaxLength"/> characters (Unicode code
/// points). .editorconfig says <c>max_line_length = 160</c> for *.cs, but no built-in Roslyn analyzer enforces it, so
/// this test does. It scans the files on disk (bin/ and obj/ skipped), so a new file is checked before it is committed.
/// </summary>
public class LineLengthTests(ITestOutputHelper output)
{
    public const int MaxLength = 160;

    private static readonly string[] Roots = ["src", "tests", "bench"];


    [Fact]
    public void NoLineIsLongerThanTheLimit()
    {
        string root = TokenizerFixtures.RepoRoot();
        var files = SourceFiles(root).ToList();
        Assert.Contains(files, f => f.EndsWith("tests/DISD.Tests/Build/LineLengthTests.cs", StringComparison.Ordinal));

        var failures = new List<string>();
        foreach (string relative in files)
        {
            string[] lines = File.ReadAllLines(Path.Combine(root, relative), Encoding.UTF8);
            for (int i = 0; i < lines.Length; i++)
            {
                int length = lines[i].EnumerateRunes().Count();
                if (length > MaxLength)
                    failures.Add($"{relative}:{i + 1}: {length} characters");
            }
        }

        output.WriteLine($"{files.Count} files scanned; {failures.Count} long lines");
        Assert.True(failures.Count == 0,
            $"{failures.Count} lines longer than {MaxLength} characters (wrap them; see .editorconfig):\n" + string.Join("\n", failures));
    }

    /// <summary>Every *.cs file under <see cref="Roots"/>, relative to <paramref name="root"/> with '/', bin/ and obj/ skipped.</summary>
    private static IEnumerable<string> SourceFiles(string root)
    {
        var folders = new Stack<string>(Roots.Select(r => Path.Combine(root, r)).Where(Directory.Exists));
        while (folders.Count > 0)
        {
            string folder = folders.Pop();
            foreach (string file in Directory.EnumerateFiles(folder, "*.cs"))
                yield return Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/');
            foreach (string sub in Directory.EnumerateDirectories(folder))
            {
                string name = Path.GetFileName(sub);
                if (name is not ("bin" or "obj") && !name.StartsWith('.'))
                    folders.Push(sub);
            }
        }
    }
}
