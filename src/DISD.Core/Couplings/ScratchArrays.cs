namespace DISD.Couplings;

/// <summary>
/// Per-thread working arrays reused across the positions of a coupling experiment: each position needs several V-sized
/// arrays (race, Fenwick tree, sort), and fresh memory costs a page fault per 4 KB on first touch, which is slow on
/// virtual machines that back guest memory lazily (bench/RESULTS.md, the V = 262,145 section). One cached array per (element
/// type, slot) and thread; a slot already rented on this thread gives a fresh array instead, so nested or overlapping
/// users stay correct. Contents are NOT cleared: every renter initialises what it reads.
/// </summary>
internal static class ScratchArrays
{
    [ThreadStatic]
    private static Dictionary<(Type Type, int Slot), Lease>? _leases;

    /// <summary>An array of exactly <paramref name="length"/> elements; give it back with <see cref="Return{T}"/>.</summary>
    public static T[] Rent<T>(int length, int slot)
    {
        var leases = _leases ??= [];
        if (leases.TryGetValue((typeof(T), slot), out var lease))
        {
            if (lease.Rented)
                return new T[length];
            if (lease.Array.Length == length)
            {
                lease.Rented = true;
                return (T[])lease.Array;
            }
        }
        var fresh = new T[length];
        leases[(typeof(T), slot)] = new Lease(fresh) { Rented = true };
        return fresh;
    }

    /// <summary>Ends the rent of <paramref name="array"/> (an array that was not the cached one is simply dropped).</summary>
    public static void Return<T>(T[] array, int slot)
    {
        if (_leases is { } leases && leases.TryGetValue((typeof(T), slot), out var lease) && ReferenceEquals(lease.Array, array))
            lease.Rented = false;
    }

    private sealed class Lease(Array array)
    {
        public Array Array { get; } = array;

        public bool Rented { get; set; }
    }
}
