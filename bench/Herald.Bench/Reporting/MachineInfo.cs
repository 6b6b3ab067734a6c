using System.Runtime.InteropServices;
using System.Xml.Linq;
using Herald.Bench.Infrastructure;

namespace Herald.Bench.Reporting;

/// <summary>The facts about the machine and the build that a reader needs to compare runs.</summary>
internal static class MachineInfo
{
    public static List<(string Name, string Value)> Describe(string? postgres)
    {
        var rows = new List<(string, string)>
        {
            ("CPU", Cpu()),
            ("Logical cores", Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("Memory", MemTotal()),
            ("OS", $"{OsRelease()} ({RuntimeInformation.OSDescription.Trim()})"),
            (".NET", $"{RuntimeInformation.FrameworkDescription} ({RuntimeInformation.ProcessArchitecture})"),
            ("Herald commit", Repo.Commit() ?? "unknown"),
            ("Herald server build", Repo.ServerBuild),
            ("PostgreSQL", postgres ?? "not used"),
            ("Load average at start / end", $"{StartLoad} / {LoadAverage()} (other work on the machine skews every figure)"),
        };
        return rows;
    }

    /// <summary>The versions pinned in Directory.Packages.props for what the bench and the server use.</summary>
    public static List<(string Name, string Version)> Packages()
    {
        try
        {
            var doc = XDocument.Load(Path.Combine(Repo.Root, "Directory.Packages.props"));
            string[] wanted = ["Microsoft.Data.Sqlite", "Npgsql", "Dapper", "Hangfire.Core", "Hangfire.Storage.SQLite", "Hangfire.PostgreSql", "HdrHistogram", "ScottPlot", "Spectre.Console"];
            return doc.Descendants("PackageVersion")
                .Select(e => ((string?)e.Attribute("Include") ?? "", (string?)e.Attribute("Version") ?? ""))
                .Where(p => wanted.Contains(p.Item1))
                .ToList();
        }
        catch (IOException)
        {
            return [];
        }
    }

    public static string StartLoad { get; } = LoadAverage();

    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static string Cpu() => ReadFirst("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString();

    private static string MemTotal()
    {
        var kb = ReadFirst("/proc/meminfo", "MemTotal");
        return kb is null ? "unknown" : $"{long.Parse(kb.Replace("kB", "", StringComparison.Ordinal).Trim(), System.Globalization.CultureInfo.InvariantCulture) / 1024 / 1024.0:0.0} GiB";
    }

    private static string OsRelease()
    {
        try
        {
            var line = File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal));
            return line?["PRETTY_NAME=".Length..].Trim('"') ?? "unknown";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static string? ReadFirst(string file, string key)
    {
        try
        {
            var line = File.ReadLines(file).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
            return line?[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }
}
