using System;
using System.IO;
using System.Text;
#if !DISD_NO_MSBUILD
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

// MSBuild inline task (Directory.Build.targets). The test project compiles this file with DISD_NO_MSBUILD to test the patcher.
public class WeakenGlibcxxVersionNeed : Task
{
    [Required] public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string VersionName { get; set; } = "";

    public override bool Execute()
    {
        foreach (var item in Files)
        {
            var path = item.ItemSpec;
            try
            {
                int changed = ElfVersionNeedPatcher.MarkWeak(path, VersionName);
                if (changed > 0)
                    Log.LogMessage(MessageImportance.High, $"DISD: marked {VersionName} weak in {path}");
            }
            catch (Exception e)
            {
                Log.LogError($"DISD: could not patch {path}: {e.Message}");
            }
        }
        return !Log.HasLoggedErrors;
    }
}
#endif

// Sets VER_FLG_WEAK on the Vernaux entry named versionName in an ELF64 little-endian file's .gnu.version_r section.
public static class ElfVersionNeedPatcher
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    /// <summary>Marks the version need weak; returns how many entries changed (0 when already weak or absent).</summary>
    public static int MarkWeak(string path, string versionName)
    {
        byte[] elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (elf[4] != 2 || elf[5] != 1) throw new InvalidDataException("not a 64-bit little-endian ELF file");
        long shoff = (long)BitConverter.ToUInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A);
        int shnum = BitConverter.ToUInt16(elf, 0x3C);
        int changed = 0;
        for (int s = 0; s < shnum; s++)
        {
            long sh = shoff + (long)s * shentsize;
            if (BitConverter.ToUInt32(elf, (int)sh + 4) != ShtGnuVerneed) continue;
            long offset = (long)BitConverter.ToUInt64(elf, (int)sh + 0x18);
            int link = (int)BitConverter.ToUInt32(elf, (int)sh + 0x28);
            long strOffset = (long)BitConverter.ToUInt64(elf, (int)(shoff + (long)link * shentsize + 0x18));
            long need = offset;
            while (true)
            {
                int count = BitConverter.ToUInt16(elf, (int)need + 2);
                long aux = need + BitConverter.ToUInt32(elf, (int)need + 8);
                for (int a = 0; a < count; a++)
                {
                    long nameAt = strOffset + BitConverter.ToUInt32(elf, (int)aux + 8);
                    int end = (int)nameAt;
                    while (elf[end] != 0) end++;
                    string name = Encoding.ASCII.GetString(elf, (int)nameAt, end - (int)nameAt);
                    ushort flags = BitConverter.ToUInt16(elf, (int)aux + 4);
                    if (name == versionName && (flags & VerFlgWeak) == 0)
                    {
                        flags |= VerFlgWeak;
                        elf[aux + 4] = (byte)(flags & 0xff);
                        elf[aux + 5] = (byte)(flags >> 8);
                        changed++;
                    }
                    uint nextAux = BitConverter.ToUInt32(elf, (int)aux + 12);
                    if (nextAux == 0) break;
                    aux += nextAux;
                }
                uint next = BitConverter.ToUInt32(elf, (int)need + 12);
                if (next == 0) break;
                need += next;
            }
        }
        if (changed > 0)
        {
            string temp = path + ".disd-tmp";
            File.WriteAllBytes(temp, elf);
            // Replace rather than rewrite in place: the output may be a hard link into the NuGet cache.
            File.Delete(path);
            File.Move(temp, path);
        }
        return changed;
    }
}
