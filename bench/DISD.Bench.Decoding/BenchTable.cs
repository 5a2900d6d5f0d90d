namespace DISD.Bench.Decoding;

internal static class BenchTable
{
    public static void PrintHeader() => Console.WriteLine(
        $"{"method",-12}{"coupling",-9}{"k",3}{"tokens",8}{"tok/s",9}{"speedup",9}{"accept",8}{"tok/call",10}{"target",8}{"drafter",9}  same-as-target-only");

    public static void PrintRow(BenchRow row)
    {
        var r = row.Result;
        var accept = r.AcceptanceRate is { } a ? a.ToString("F2") : "-";
        var same = row.SameAsTargetOnly switch { true => "yes", false => "NO", null => "-" };
        Console.WriteLine(
            $"{row.Method,-12}{row.Coupling,-9}{row.K,3}{r.Tokens.Count,8}{r.TokensPerSecond,9:F1}{row.Speedup,9:F2}{accept,8}"
            + $"{r.BlockEfficiency,10:F2}{r.TargetCalls,8}{r.DrafterCalls,9}  {same}");
    }
}
