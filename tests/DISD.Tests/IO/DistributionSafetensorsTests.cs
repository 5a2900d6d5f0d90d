using System.Text.Json;
using DISD.IO;

namespace DISD.Tests.IO;

public sealed class DistributionSafetensorsTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void WritesOneFloat32TensorProbsOfPositionsByVWithTheMetadata()
    {
        var rows = RawSafetensors.RandomRows(1, 3, 5);
        var path = _folder.File("m_probs.safetensors");
        DistributionSafetensors.Write(path, rows, new Dictionary<string, string> { ["model"] = "m", ["run_id"] = "abc" });

        var (header, data) = RawSafetensors.Parse(File.ReadAllBytes(path));
        using var json = JsonDocument.Parse(header);
        var probs = json.RootElement.GetProperty("probs");
        Assert.Equal("F32", probs.GetProperty("dtype").GetString());
        Assert.Equal([3L, 5L], probs.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        Assert.Equal([0L, 60L], probs.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()));
        Assert.Equal("m", json.RootElement.GetProperty("__metadata__").GetProperty("model").GetString());
        Assert.Equal("abc", json.RootElement.GetProperty("__metadata__").GetProperty("run_id").GetString());
        Assert.Equal(RawSafetensors.Floats(rows.SelectMany(r => r)), data);
        Assert.Equal(["m_probs.safetensors"], _folder.AllFiles());
    }

    [Fact]
    public void ReadingGivesTheFloatsBitForBitAndTheDoublesTheCsvOfTheSameFloatsGives()
    {
        // 0.1f and 1/3f are floats whose widened double differs from the double their shortest text parses to.
        var rows = RawSafetensors.RandomRows(2, 4, 300);
        rows[0][0] = 0.1f;
        rows[0][1] = 1f / 3;
        rows[0][2] = 1e-42f;
        rows[0][3] = 0f;
        for (var c = 4; c < 300; c++)
            rows[0][c] = (float)((1 - 0.1 - 1.0 / 3) / 296);
        var binary = _folder.File("a_probs.safetensors");
        var csv = _folder.File("a_probs.csv");
        File.WriteAllBytes(binary, RawSafetensors.Table(rows));
        DistributionCsv.Write(csv, rows);

        var singles = DistributionTables.ReadSingle(binary);
        Assert.Equal(rows.SelectMany(r => r).Select(BitConverter.SingleToInt32Bits), singles.SelectMany(r => r).Select(BitConverter.SingleToInt32Bits));
        var fromCsv = DistributionTables.Read(csv);
        var fromBinary = DistributionTables.Read(binary);
        Assert.Equal(fromCsv.SelectMany(r => r).Select(BitConverter.DoubleToInt64Bits), fromBinary.SelectMany(r => r).Select(BitConverter.DoubleToInt64Bits));
        Assert.NotEqual((double)0.1f, fromBinary[0][0]);
    }

    public static TheoryData<string, string> BadTables() => new()
    {
        { "dtype", "tensor 'probs' is F64, expected F32" },
        { "rank", "tensor 'probs' has shape [12], expected [positions, V]" },
        { "name", "no tensor named 'probs' (the file holds 'logits')" },
        { "extra", "holds tensors 'more' besides 'probs'" },
        { "truncated", "truncated file?" },
        { "nan", "row 2 (position 1), column 3 (token 2): NaN is not finite" },
        { "negative", "row 1 (position 0), column 2 (token 1): -0.25 is negative" },
        { "sum", "row 3 (position 2) sums to 0.5" },
        { "empty", "no positions" },
        { "garbage", "not a safetensors file?" },
    };

    [Theory]
    [MemberData(nameof(BadTables))]
    public void ABadTableIsOneErrorNamingTheFileAndTheProblem(string defect, string expected)
    {
        var path = _folder.File("bad_probs.safetensors");
        File.WriteAllBytes(path, Broken(defect));

        var error = Assert.Throws<DisdException>(() => DistributionTables.Read(path));

        Assert.StartsWith(path + ":", error.Message);
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    /// <summary>A 3 × 4 table with one defect.</summary>
    internal static byte[] Broken(string defect)
    {
        var rows = new[] { new[] { 0.25f, 0.25f, 0.25f, 0.25f }, new[] { 0.5f, 0.25f, 0.125f, 0.125f }, new[] { 1f, 0f, 0f, 0f } };
        var data = RawSafetensors.Floats(rows.SelectMany(r => r));
        switch (defect)
        {
            case "dtype":
                return RawSafetensors.File("probs", "F64", [3, 2], data);
            case "rank":
                return RawSafetensors.File("probs", "F32", [12], data);
            case "name":
                return RawSafetensors.File("logits", "F32", [3, 4], data);
            case "extra":
                var json = "{\"probs\":{\"dtype\":\"F32\",\"shape\":[3,4],\"data_offsets\":[0,48]},"
                    + "\"more\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[48,52]}}";
                var header = System.Text.Encoding.UTF8.GetBytes(json);
                return [.. BitConverter.GetBytes((ulong)header.Length), .. header, .. data, .. RawSafetensors.Floats([1f])];
            case "truncated":
                return RawSafetensors.File("probs", "F32", [3, 4], data)[..^10];
            case "nan":
                rows[1][2] = float.NaN;
                break;
            case "negative":
                rows[0] = [0.5f, -0.25f, 0.5f, 0.25f];
                break;
            case "sum":
                rows[2] = [0.25f, 0.25f, 0f, 0f];
                break;
            case "empty":
                return RawSafetensors.File("probs", "F32", [0, 4], []);
            case "garbage":
                return System.Text.Encoding.ASCII.GetBytes("\u0010\0\0\0\0\0\0\0prob_0,prob_1\n0.5,0.5\n");
            default:
                throw new ArgumentException(defect);
        }

        return RawSafetensors.Table(rows);
    }
}
