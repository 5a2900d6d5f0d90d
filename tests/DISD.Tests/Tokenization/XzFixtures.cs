using SharpCompress.Compressors.Xz;

namespace DISD.Tests.Tokenization;

/// <summary>Real tokenizer files are committed xz-compressed; the tests read them unpacked.</summary>
internal static class XzFixtures
{
    /// <summary>Copies <paramref name="fixtureDir"/> into <paramref name="targetDir"/>, unpacking every <c>*.xz</c>; cases.json stays behind.</summary>
    public static string Unpack(string fixtureDir, string targetDir)
    {
        Directory.CreateDirectory(targetDir);
        foreach (string file in Directory.GetFiles(fixtureDir))
        {
            if (file.EndsWith(".xz", StringComparison.Ordinal))
            {
                using var input = File.OpenRead(file);
                using var xz = new XZStream(input);
                using var output = File.Create(Path.Combine(targetDir, Path.GetFileNameWithoutExtension(file)));
                xz.CopyTo(output);
            }
            else if (!file.EndsWith("cases.json", StringComparison.Ordinal))
            {
                File.Copy(file, Path.Combine(targetDir, Path.GetFileName(file)), overwrite: true);
            }
        }

        return targetDir;
    }
}
