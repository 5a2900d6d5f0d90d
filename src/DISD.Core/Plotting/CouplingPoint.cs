namespace DISD.Plotting;

/// <summary>One position of the coupling figure: the distance of the two distributions and the agreement rates at it.</summary>
internal readonly record struct CouplingPoint(
    double Dtv,
    double Gumbel,
    double GumbelStdErr,
    double GumbelExact,
    double Wmh,
    double WmhStdErr,
    double WmhExact);
