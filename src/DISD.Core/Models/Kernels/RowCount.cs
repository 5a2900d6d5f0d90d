namespace DISD.Models.Kernels;

/// <summary>
/// A compile-time count for the kernels' generic loop bodies: the JIT compiles a method once per struct type argument
/// with the branches on <see cref="Count"/> folded, so the accumulators of the untaken rows vanish and the rest stay
/// in registers.
/// </summary>
internal interface IRowCount { static abstract int Count { get; } }

internal struct One : IRowCount { public static int Count => 1; }
internal struct Two : IRowCount { public static int Count => 2; }
internal struct Three : IRowCount { public static int Count => 3; }
internal struct Four : IRowCount { public static int Count => 4; }
internal struct Five : IRowCount { public static int Count => 5; }
internal struct Six : IRowCount { public static int Count => 6; }
internal struct Seven : IRowCount { public static int Count => 7; }
internal struct Eight : IRowCount { public static int Count => 8; }
