// Build-time task (compiled by MSBuild's RoslynCodeTaskFactory, not part of CloudSeg.Training.dll).
// Sets VER_FLG_WEAK on the Vernaux entry that names a given symbol version in an ELF64 little-endian shared library,
// so the dynamic loader no longer refuses the library when the system lacks that version.
// Layouts follow the System V gABI (section headers) and the LSB's symbol versioning chapter (Verneed/Vernaux).
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class WeakenElfVersionRequirement : Task
{
    const uint SectionTypeGnuVerneed = 0x6ffffffe; // SHT_GNU_verneed, i.e. .gnu.version_r
    const ushort VersionFlagWeak = 0x2;             // VER_FLG_WEAK

    [Required] public string LibraryPath { get; set; } = "";
    [Required] public string VersionName { get; set; } = "";

    public override bool Execute()
    {
        byte[] elf;
        try { elf = File.ReadAllBytes(LibraryPath); }
        catch (IOException e) { Log.LogError("Cannot read {0}: {1}", LibraryPath, e.Message); return false; }

        // e_ident: magic, ELFCLASS64 (2), ELFDATA2LSB (1). Anything else is not the library we know how to patch.
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F'
            || elf[4] != 2 || elf[5] != 1)
        {
            Log.LogError("{0} is not a little-endian ELF64 file.", LibraryPath);
            return false;
        }

        long sectionHeadersOffset = (long)BitConverter.ToUInt64(elf, 0x28);
        int sectionHeaderSize = BitConverter.ToUInt16(elf, 0x3A);
        int sectionCount = BitConverter.ToUInt16(elf, 0x3C);

        for (int section = 0; section < sectionCount; section++)
        {
            long header = sectionHeadersOffset + (long)section * sectionHeaderSize;
            if (BitConverter.ToUInt32(elf, (int)header + 0x04) != SectionTypeGnuVerneed) continue;

            long verneedOffset = (long)BitConverter.ToUInt64(elf, (int)header + 0x18);
            int stringTableIndex = (int)BitConverter.ToUInt32(elf, (int)header + 0x28);   // sh_link -> .dynstr
            int verneedCount = (int)BitConverter.ToUInt32(elf, (int)header + 0x2C);       // sh_info
            long stringTableHeader = sectionHeadersOffset + (long)stringTableIndex * sectionHeaderSize;
            long stringTableOffset = (long)BitConverter.ToUInt64(elf, (int)stringTableHeader + 0x18);

            long verneed = verneedOffset;
            for (int file = 0; file < verneedCount; file++)
            {
                // Verneed: vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32, vn_next u32.
                int auxCount = BitConverter.ToUInt16(elf, (int)verneed + 2);
                long vernaux = verneed + BitConverter.ToUInt32(elf, (int)verneed + 8);
                for (int aux = 0; aux < auxCount; aux++)
                {
                    // Vernaux: vna_hash u32, vna_flags u16, vna_other u16, vna_name u32, vna_next u32.
                    string name = ReadCString(elf, stringTableOffset + BitConverter.ToUInt32(elf, (int)vernaux + 8));
                    if (name == VersionName) return SetWeakFlag(elf, (int)vernaux + 4);
                    vernaux += BitConverter.ToUInt32(elf, (int)vernaux + 12);
                }
                verneed += BitConverter.ToUInt32(elf, (int)verneed + 12);
            }
        }

        Log.LogMessage(MessageImportance.Low, "{0} does not require {1}; nothing to patch.", LibraryPath, VersionName);
        return true;
    }

    bool SetWeakFlag(byte[] elf, int flagsOffset)
    {
        ushort flags = BitConverter.ToUInt16(elf, flagsOffset);
        if ((flags & VersionFlagWeak) != 0)
        {
            Log.LogMessage(MessageImportance.Low, "{0}: {1} is already weak.", LibraryPath, VersionName);
            return true;
        }

        // Write only the two flag bytes in place: no temporary copy of a 2 MB file, and a concurrent reader never sees
        // a truncated library.
        ushort patched = (ushort)(flags | VersionFlagWeak);
        try
        {
            using var stream = new FileStream(LibraryPath, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
            stream.Position = flagsOffset;
            stream.Write(BitConverter.GetBytes(patched), 0, 2);
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
        {
            Log.LogError("Cannot patch {0} (needed so TorchSharp loads on this libstdc++): {1}", LibraryPath, e.Message);
            return false;
        }
        Log.LogMessage(MessageImportance.High, "Marked {0} weak in {1}.", VersionName, LibraryPath);
        return true;
    }

    static string ReadCString(byte[] bytes, long offset)
    {
        int end = (int)offset;
        while (bytes[end] != 0) end++;
        return Encoding.ASCII.GetString(bytes, (int)offset, end - (int)offset);
    }
}
