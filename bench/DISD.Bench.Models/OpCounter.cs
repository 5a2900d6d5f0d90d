using System.Runtime.InteropServices;

namespace DISD.Bench.Models;

/// <summary>
/// Counts the aten operators libtorch dispatches, the way its profiler sees them: a global RecordFunction callback
/// (at::addGlobalCallback) fires once per operator call, nested calls included. The callback struct mirrors
/// at::RecordFunctionCallback of libtorch 2.10 (aten/src/ATen/record_function.h): two function pointers, the
/// sampling probability, one flag per RecordScope (10) and three needs_* flags.
/// </summary>
internal static unsafe class OpCounter
{
    [StructLayout(LayoutKind.Sequential)]
    private struct RecordFunctionCallback
    {
        public nint Start;
        public nint End;
        public double SamplingProbability;
        public fixed byte Scopes[10];
        public byte NeedsInputs;
        public byte NeedsOutputs;
        public byte NeedsIds;
    }

    private static readonly Dictionary<string, long> Counts = [];
    private static long _topStart;
    private static string _topName = "";

    /// <summary>Stopwatch ticks spent inside each directly called operator during the last <see cref="Count"/>.</summary>
    public static Dictionary<string, long> TopLevelTicks { get; } = [];
    private static delegate* unmanaged<nint, nint> _name;
    private static bool _counting;
    private static int _depth;

    /// <summary>Every operator of the last <see cref="Count"/> in call order, indented by nesting depth.</summary>
    public static List<string> Trace { get; } = [];

    /// <summary>Operators called directly (not from inside another operator) during the last <see cref="Count"/>.</summary>
    public static long TopLevel { get; private set; }

    public static bool Available { get; private set; }

    /// <summary>Registers the callback once; false (and counts stay unavailable) when libtorch does not export what is needed.</summary>
    public static bool Install()
    {
        if (Available)
        {
            return true;
        }
        if (!TryExport("_ZN2at17addGlobalCallbackENS_22RecordFunctionCallbackE", out var add) || !TryExport("_ZNK2at14RecordFunction4nameEv", out var name))
        {
            return false;
        }
        _name = (delegate* unmanaged<nint, nint>)name;
        var callback = new RecordFunctionCallback
        {
            Start = (nint)(delegate* unmanaged<nint*, nint, nint*>)&OnStart,
            End = (nint)(delegate* unmanaged<nint, nint, void>)&OnEnd,
            SamplingProbability = 1.0,
        };
        callback.Scopes[0] = 1; // RecordScope::FUNCTION: c10 / ATen operators
        ((delegate* unmanaged<RecordFunctionCallback, ulong>)add)(callback);
        Available = true;
        return true;
    }

    /// <summary>Operator calls made by <paramref name="run"/>, by name.</summary>
    public static Dictionary<string, long> Count(Action run)
    {
        Counts.Clear();
        TopLevel = 0;
        Trace.Clear();
        TopLevelTicks.Clear();
        _depth = 0;
        _counting = true;
        try
        {
            run();
        }
        finally
        {
            _counting = false;
        }
        return new Dictionary<string, long>(Counts);
    }

    // The start callback returns std::unique_ptr<ObserverContext>, which the Itanium ABI returns through a hidden pointer.
    [UnmanagedCallersOnly]
    private static nint* OnStart(nint* result, nint recordFunction)
    {
        *result = 0;
        if (_counting)
        {
            // Names of non-dispatcher ranges live in the RecordFunction itself, so each is copied at once.
            string name = Marshal.PtrToStringUTF8(_name(recordFunction)) ?? "?";
            Trace.Add(new string(' ', 2 * _depth) + name);
            if (_depth++ == 0)
            {
                TopLevel++;
                _topName = name;
                _topStart = System.Diagnostics.Stopwatch.GetTimestamp();
            }
            Counts[name] = Counts.GetValueOrDefault(name) + 1;
        }
        return result;
    }

    [UnmanagedCallersOnly]
    private static void OnEnd(nint recordFunction, nint context)
    {
        if (_counting && --_depth == 0)
        {
            TopLevelTicks[_topName] = TopLevelTicks.GetValueOrDefault(_topName) + System.Diagnostics.Stopwatch.GetTimestamp() - _topStart;
        }
    }

    private static bool TryExport(string symbol, out nint address)
    {
        address = 0;
        foreach (var library in new[] { "libtorch_cpu.so", "libtorch_cpu.dylib" })
        {
            if (NativeLibrary.TryLoad(library, typeof(TorchSharp.torch).Assembly, DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.SafeDirectories,
                out var handle)
                && NativeLibrary.TryGetExport(handle, symbol, out address))
            {
                return true;
            }
        }
        return false;
    }
}
