using System.Globalization;
using DISD.Bench.Decoding;
using DISD.Decoding;
using TorchSharp;

DISD.Runtime.NativeRuntime.Prepare();
var settings = BenchSettings.Parse(args);
var device = torch.device(settings.Device);
if (settings.Threads > 0)
    torch.set_num_threads(settings.Threads);
IModelSource source = settings.Size switch
{
    "tiny" => new SyntheticModelSource(512, 64, 1, 192, 4, settings.ExtraScale),
    "small" => new SyntheticModelSource(4096, 128, 2, 384, 6, settings.ExtraScale),
    "medium" => new SyntheticModelSource(4096, 256, 2, 768, 8, settings.ExtraScale),
    "demo-small" => new DemoTrioModelSource("small"),
    "demo-medium" => new DemoTrioModelSource("medium"),
    _ => throw new ArgumentException($"--size: expected tiny, small, medium, demo-small or demo-medium, got '{settings.Size}'."),
};
Console.WriteLine($"device {device}, {source.Description}, {settings.Tokens} new tokens, T={settings.Temperature}, seed {settings.Seed}");
var (target, drafter) = source.Load(device);
using (target)
using (drafter)
{
    BenchTable.PrintHeader();
    new BenchRunner(target, drafter, source.Prompt, settings).Run(BenchTable.PrintRow);
}

internal sealed record BenchSettings(string Device, string Size, int Tokens, double Temperature, ulong Seed,
    double ExtraScale, int[] DraftLengths, int Repeats, int Threads)
{
    public static BenchSettings Parse(string[] args)
    {
        var values = new Dictionary<string, string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                throw new ArgumentException($"Unexpected argument '{args[i]}'; use --name value pairs (--device, --size, --tokens, --temperature, --seed, "
                    + "--extra-scale, --k, --repeats, --threads).");
            values[args[i][2..]] = args[++i];
        }
        string Get(string name, string fallback) => values.GetValueOrDefault(name, fallback);
        var inv = CultureInfo.InvariantCulture;
        return new BenchSettings(
            Get("device", "cpu"),
            Get("size", "small"),
            int.Parse(Get("tokens", "64"), inv),
            double.Parse(Get("temperature", "1.0"), inv),
            ulong.Parse(Get("seed", "0"), inv),
            double.Parse(Get("extra-scale", "0.25"), inv),
            Get("k", "2,4,8").Split(',').Select(k => int.Parse(k, inv)).ToArray(),
            int.Parse(Get("repeats", "2"), inv),
            int.Parse(Get("threads", "0"), inv));
    }
}
