using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("DISD.Tests")]
