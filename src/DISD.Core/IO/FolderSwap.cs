using System.Runtime.InteropServices;

namespace DISD.IO;

/// <summary>Puts a complete folder in place of another in one step.</summary>
internal static class FolderSwap
{
    /// <summary>
    /// Moves <paramref name="staged"/> to <paramref name="target"/>. An existing target is exchanged with it
    /// atomically (<c>renameat2(RENAME_EXCHANGE)</c>, Linux ≥ 3.15 on ext4, xfs, btrfs, tmpfs, …), so readers see the
    /// old folder or the new one and never a mixture or nothing; where the file system cannot exchange, the old one is
    /// renamed aside first (readers may then briefly find no folder, never a mixed one). Returns where the old
    /// folder now is (to be deleted), or null when there was none. Call it inside <see cref="UnfinishedOutputs.Commit"/>.
    /// </summary>
    public static string? Replace(string staged, string target)
    {
        if (Posix.RenameAt2(Posix.AT_FDCWD, staged, Posix.AT_FDCWD, target, Posix.RENAME_NOREPLACE) == 0) return null;
        var error = Marshal.GetLastPInvokeError();
        if (error == Posix.EEXIST)
        {
            if (Posix.RenameAt2(Posix.AT_FDCWD, staged, Posix.AT_FDCWD, target, Posix.RENAME_EXCHANGE) == 0)
            {
                return staged;
            }

            error = Marshal.GetLastPInvokeError();
        }

        if (error is not (Posix.EINVAL or Posix.ENOSYS or Posix.EOPNOTSUPP))
            throw new IOException($"cannot move {staged} to {target}: {Posix.Describe(error)}");
        return RenameAsideThenIn(staged, target);
    }

    /// <summary>The fallback of <see cref="Replace"/>; returns where the old folder now is, or null.</summary>
    internal static string? RenameAsideThenIn(string staged, string target)
    {
        string? aside = null;
        if (Directory.Exists(target) || File.Exists(target))
        {
            aside = StaleOutputs.WorkPath(Path.GetDirectoryName(target)!, Path.GetFileName(target), StaleOutputs.AsideSuffix);
            UnfinishedOutputs.Add(aside);
            Directory.Move(target, aside);
        }

        try
        {
            Directory.Move(staged, target);
        }
        catch when (aside is not null)
        {
            Directory.Move(aside, target);
            UnfinishedOutputs.Forget(aside);
            throw;
        }

        return aside;
    }
}
