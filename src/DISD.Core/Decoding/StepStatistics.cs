namespace DISD.Decoding;

/// <summary>Running draft statistics of a speculative run.</summary>
internal sealed class StepStatistics
{
    private double _agreementSum;
    private bool _hasAgreement;

    public int Accepted { get; private set; }

    public int Proposed { get; private set; }

    public int Compared { get; private set; }

    public double? PredictedAcceptance => _hasAgreement && Compared > 0 ? _agreementSum / Compared : null;

    /// <param name="agreement">Exact agreement per drafted position (null when not computed).</param>
    public void Record(int proposed, int accepted, double[]? agreement)
    {
        var compared = Math.Min(proposed, accepted + 1);
        Proposed += proposed;
        Accepted += accepted;
        Compared += compared;
        if (agreement is null)
            return;
        _hasAgreement = true;
        for (var j = 0; j < compared; j++)
            _agreementSum += agreement[j];
    }
}
