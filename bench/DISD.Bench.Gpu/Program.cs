using DISD;
using DISD.Bench.Gpu;
using DISD.Runtime;

// disd-bench-gpu: the GPU benchmark table (bench, the default) and the golden-reference check on a device (golden).
try
{
    bool golden = args.Length > 0 && args[0] == "golden";
    var options = BenchOptions.Parse(args.Length > 0 && args[0] is "golden" or "bench" or "checkpoint" ? args[1..] : args);
    if (args.Length > 0 && args[0] == "checkpoint")
    {
        Console.WriteLine(RandomCheckpoint.Write(BenchConfig.Parse(options.Config), options.Work, TorchSharp.torch.CPU, options.Seed));
        return 0;
    }
    var device = DeviceSelector.Resolve(options.Device);
    if (options.Threads is int threads)
    {
        TorchSharp.torch.set_num_threads(threads);
    }
    Directory.CreateDirectory(options.Out);
    if (golden)
    {
        using var report = new StringWriter();
        int failures = Golden.Run(options.Fixtures, device, options.Tolerance, report);
        Console.Write(report);
        File.WriteAllText(Path.Combine(options.Out, $"golden-{device.type.ToString().ToLowerInvariant()}.md"), report.ToString());
        Console.WriteLine(failures == 0 ? "golden: all families pass" : $"golden: {failures} famil{(failures == 1 ? "y fails" : "ies fail")}");
        return failures == 0 ? 0 : 1;
    }
    string tablePath = Path.Combine(options.Out, $"bench-{options.Config}-{device.type.ToString().ToLowerInvariant()}.md");
    var table = Bench.Run(options, device, partial => File.WriteAllText(tablePath, partial));
    Console.Write(table);
    return 0;
}
catch (DisdException e)
{
    Console.Error.WriteLine($"disd-bench-gpu: error: {e.Message}");
    return 2;
}
