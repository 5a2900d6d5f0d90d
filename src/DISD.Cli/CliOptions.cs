using System.CommandLine;
using System.Globalization;

namespace DISD.Cli;

/// <summary>Options that several verbs share, spelled the same everywhere.</summary>
public static partial class CliOptions
{
    public static Option<string> Device() => new("--device")
    {
        Description = "Torch device: auto (CUDA when available, else CPU), cpu, cuda or cuda:N",
        DefaultValueFactory = _ => Runtime.DeviceSelector.Auto,
        HelpName = "auto|cpu|cuda[:N]",
    };

    public static Option<ulong> Seed() => new("--seed")
    {
        Description = "Random seed; the same seed gives the same results",
        DefaultValueFactory = _ => 0UL,
    };

    public static Option<bool> Json() => new("--json")
    {
        Description = "Print a machine-readable summary (JSON, snake_case keys) on stdout",
    };

    public static Option<string?> ChatDate() => new("--chat-date", "--chat_date")
    {
        Description = "With --chat: the date (YYYY-MM-DD) a chat template reads through strftime_now; default today (UTC). "
            + "Fix it to reproduce a run whose template writes the date",
        HelpName = "YYYY-MM-DD",
    };

    /// <summary>The date of --chat-date, or today (UTC) when it is not given.</summary>
    public static DateTime ParseChatDate(string? value, Option<string?> option)
    {
        if (value is null)
            return DateTime.UtcNow.Date;
        return DateTime.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new DisdException($"{option.Name} '{value}' is not a date; expected YYYY-MM-DD, e.g. 2024-07-26");
    }

    /// <summary>A required string option with snake_case <paramref name="aliases"/> for the original scripts' spellings.</summary>
    public static Option<string> RequiredText(string name, string description, params string[] aliases) => new(name, aliases)
    {
        Description = description,
        Required = true,
    };

    public static Option<string> Text(string name, string description, string defaultValue, params string[] aliases) => new(name, aliases)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
    };

    public static Option<int> Int(string name, string description, int defaultValue, params string[] aliases) => new(name, aliases)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
    };

    /// <summary>A string option limited to <paramref name="choices"/> (case-sensitive, lower case).</summary>
    public static Option<string> Choice(string name, string description, string defaultValue, params string[] choices)
    {
        var option = new Option<string>(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            HelpName = string.Join('|', choices),
        };
        option.AcceptOnlyFromAmong(choices);
        return option;
    }

    /// <summary>Rejects a non-positive value of <paramref name="option"/> with a message naming it.</summary>
    public static int RequirePositive(int value, Option<int> option) =>
        value > 0 ? value : throw new DisdException($"{option.Name} must be positive, got {value.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>Rejects an output folder option whose path (or a folder above it) is an existing file, before any work is done.</summary>
    public static string RequireFolder(string path, Option<string> option)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new DisdException($"{option.Name} is empty; expected a folder");
        for (var at = System.IO.Path.GetFullPath(path); at is not null; at = System.IO.Path.GetDirectoryName(at))
        {
            if (File.Exists(at))
                throw new DisdException($"{option.Name} {path}: {at} is a file; expected a folder (created when missing)");
        }

        return path;
    }

    /// <summary>
    /// <see cref="RequireFolder"/>, and the nearest existing folder at or above <paramref name="path"/> must accept a new
    /// file (probed with a file deleted on close), so an unwritable place (/proc, a read-only mount) fails before any work.
    /// </summary>
    public static string RequireWritableFolder(string path, Option<string> option)
    {
        RequireFolder(path, option);
        var existing = System.IO.Path.GetFullPath(path);
        while (!Directory.Exists(existing))
        {
            existing = System.IO.Path.GetDirectoryName(existing) ?? "/";
        }

        if (CannotCreateFilesIn(existing) is { } error)
            throw new DisdException($"{option.Name} {path}: cannot create files in {existing} ({error.Message}); give a folder you can write to", error);
        return path;
    }

    /// <summary>Why no new file can be created in the existing <paramref name="folder"/> (probed with a file deleted
    /// on close), or null when one can.</summary>
    public static Exception? CannotCreateFilesIn(string folder)
    {
        try
        {
            using var probe = new FileStream(System.IO.Path.Combine(folder, $".disd-probe-{Guid.NewGuid():N}"), FileMode.CreateNew,
                FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return e;
        }
    }
}
