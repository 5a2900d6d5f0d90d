using DISD.Decoding;
using DISD.Models;
using DISD.Tests.Speculate;
using static TorchSharp.torch;

namespace DISD.Tests.Runtime;

/// <summary>
/// Decoding while another thread forces garbage collections and runs finalizers. A TorchSharp Scalar that reaches
/// native code unreferenced (an implicit conversion, or the hidden alpha of add/sub) can be finalized during the call;
/// libtorch then reads freed memory and the tokens change or the call throws. See src/DISD.Core/Runtime/Scalars.cs.
/// Runs alone: its forced collections would also hit test code that makes Scalars implicitly.
/// </summary>
[Collection(FinalizerHammerCollection.Name)]
public class ScalarLifetimeStressTests
{
    private static readonly int[] Prompt = [2, 40, 41, 7, 90, 12, 5, 61];

    public static TheoryData<CouplingKind, string> Workloads() => new()
    {
        { CouplingKind.Gumbel, "target" },
        { CouplingKind.WeightedMinHash, "target" },
        { CouplingKind.Gumbel, "small" },
        { CouplingKind.WeightedMinHash, "small" },
        { CouplingKind.WeightedMinHash, "ngram" },
    };

    [Theory]
    [MemberData(nameof(Workloads))]
    public void TokensDoNotChangeWhileFinalizersRun(CouplingKind coupling, string drafter)
    {
        DemoModels.UseOneTorchThread();
        using var target = ModelLoader.Load(DemoModels.Folder(DemoModels.Large), CPU, ScalarType.Float32);
        using var small = ModelLoader.Load(DemoModels.Folder(DemoModels.Small), CPU, ScalarType.Float32);
        var options = new DecodingOptions(MaxNewTokens: 16, Temperature: 0.8, Seed: 5, Coupling: coupling,
            TopP: 0.95, MinP: 0.01, StopAtEos: false);
        Func<IReadOnlyList<int>> decode = drafter switch
        {
            "target" => () => new TargetOnlyDecoder(target, options).Generate(Prompt).Tokens,
            "small" => () => Speculative(new SpeculativeDecoder(target, small, options, Draft4)),
            _ => () => Speculative(new SpeculativeDecoder(target, new NgramDrafter(1, 3), options, Draft4)),
        };
        // Also warms the decode path up, so that the hammered runs execute optimised (tier-1) code, in which a
        // Scalar is dead as soon as its handle has been read.
        var expected = decode();
        Assert.Equal(expected, decode());

        using var hammer = new FinalizerHammer();
        for (var run = 0; run < 4; run++)
            Assert.Equal(expected, decode());
        Assert.True(hammer.Collections > 10, $"only {hammer.Collections} collections ran");
    }

    private static readonly SpeculativeOptions Draft4 = new(SpeculativeMethod.Disd, DraftLength.Fixed(4));

    private static IReadOnlyList<int> Speculative(SpeculativeDecoder decoder) => decoder.Generate(Prompt).Tokens;

    /// <summary>A background thread that allocates, collects and waits for finalizers until disposed.</summary>
    private sealed class FinalizerHammer : IDisposable
    {
        private readonly Thread _thread;
        private volatile bool _stop;
        private int _collections;

        public FinalizerHammer()
        {
            _thread = new Thread(Run) { IsBackground = true, Name = "finalizer hammer" };
            _thread.Start();
        }

        public int Collections => Volatile.Read(ref _collections);

        public void Dispose()
        {
            _stop = true;
            _thread.Join();
        }

        private void Run()
        {
            // Scalars are young: gen-0 collections find them, and are quick enough to run back to back.
            var keep = new object[64];
            for (var i = 0; !_stop; i++)
            {
                keep[i % keep.Length] = new byte[256 + i % 4096];
                GC.Collect(i % 100 == 0 ? 2 : 0, GCCollectionMode.Forced, blocking: true);
                if (i % 16 == 0)
                    GC.WaitForPendingFinalizers();
                Interlocked.Increment(ref _collections);
            }
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FinalizerHammerCollection
{
    public const string Name = "Finalizer hammer";
}
