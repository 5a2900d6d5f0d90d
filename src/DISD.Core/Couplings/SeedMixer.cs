namespace DISD.Couplings;

/// <summary>SplitMix64 finaliser, used to derive independent-looking seeds from (seed, index) pairs.</summary>
internal static class SeedMixer
{
    public static ulong Mix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    public static ulong Derive(ulong seed, ulong index) => Mix(Mix(seed) ^ Mix(index + 0x632BE59BD9B4E019UL));
}
