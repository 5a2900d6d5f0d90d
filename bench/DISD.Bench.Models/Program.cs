using System.Diagnostics;
using DISD.Bench.Models;
using DISD.Models;
using TorchSharp;
using static TorchSharp.torch;

// Usage: dotnet run -c Release --project bench/DISD.Bench.Models -- [checkpointDir] [float32|bfloat16|float16] [cpu|cuda] [torchThreads]
// One torch thread by default: on a shared, oversubscribed CPU, multi-threaded kernels mostly measure the neighbours.
string checkpoint = args.Length > 0 && args[0] != "-" ? args[0] : RepoPaths.DemoModel("large");
var dtype = args.Length > 1 ? BenchOptions.ParseDType(args[1]) : ScalarType.Float32;
var device = torch.device(args.Length > 2 ? args[2] : "cpu");
torch.set_num_threads(args.Length > 3 ? int.Parse(args[3]) : 1);
const int repeats = 30;

Console.WriteLine($"model {checkpoint}, dtype {dtype}, device {device}, {torch.get_num_threads()} torch threads");
long rssBefore = ProcessMemory.CurrentRssKiB();
var load = Stopwatch.StartNew();
using var model = ModelLoader.Load(checkpoint, device, dtype);
load.Stop();
long peakDuringLoad = ProcessMemory.PeakRssKiB();
long rssAfter = ProcessMemory.CurrentRssKiB();
long checkpointBytes = Directory.GetFiles(checkpoint, "*.safetensors").Sum(f => new FileInfo(f).Length);
Console.WriteLine($"load: {load.Elapsed.TotalMilliseconds:F1} ms; RSS before {rssBefore / 1024.0:F1} MiB, after {rssAfter / 1024.0:F1} MiB, " +
                  $"peak (VmHWM) {peakDuringLoad / 1024.0:F1} MiB; checkpoint files {checkpointBytes / 1048576.0:F1} MiB");

using var noGrad = torch.no_grad();
var random = new Random(1234);
long[] RandomIds(int count) => Enumerable.Range(0, count).Select(_ => (long)random.Next(3, model.VocabSize)).ToArray();

using var cache = model.NewCache(1024);
var prompt16 = RandomIds(16);
var prefill = Timing.Measure(repeats, () =>
{
    cache.Truncate(0);
    using var ids = torch.tensor(prompt16, device: device);
    using var logits = model.Prefill(ids, cache);
    using var next = logits[-1].argmax();
    return next.item<long>();
});
Console.WriteLine($"prefill 16 tokens: {prefill} (ms over {repeats} runs)");

Timing.Result DecodeAt(int position, int tokens)
{
    cache.Truncate(0);
    using (var ids = torch.tensor(RandomIds(position), device: device))
    using (var logits = model.Prefill(ids, cache))
    {
    }
    var step = RandomIds(tokens);
    return Timing.Measure(repeats, () =>
    {
        cache.Truncate(position);
        using var ids = torch.tensor(step, device: device);
        using var logits = model.Decode(ids, cache);
        using var next = logits[-1].argmax();
        return next.item<long>();
    });
}

var at16 = DecodeAt(16, 1);
var at512 = DecodeAt(512, 1);
var verify4At512 = DecodeAt(512, 4);
double ratio = at512.Min / at16.Min;
Console.WriteLine($"decode 1 token at position 16: {at16}");
Console.WriteLine($"decode 1 token at position 512: {at512}");
Console.WriteLine($"decode 4 tokens at position 512 (speculative verify): {verify4At512}");
Console.WriteLine($"decode cost ratio position 512 / 16 (min times): {ratio:F2}x (must be <= 3x)");
return ratio <= 3.0 ? 0 : 1;
