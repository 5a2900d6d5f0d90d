namespace DISD.Decoding;

/// <summary>Speculative-decoding options on top of <see cref="DecodingOptions"/>.</summary>
/// <param name="Method">disd (drafter-invariant) or standard (Leviathan et al. 2023).</param>
/// <param name="DraftLength">Drafted tokens per step: fixed k or auto.</param>
public sealed record SpeculativeOptions(SpeculativeMethod Method, DraftLength DraftLength);
