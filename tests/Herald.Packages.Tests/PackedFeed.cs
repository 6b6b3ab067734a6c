using System.Diagnostics;
using System.Globalization;
using Herald.Testing;

namespace Herald.Packages.Tests;

/// <summary>
/// The packages as a user gets them: <c>dotnet pack Herald.Packages.slnf</c> into a folder feed, once for the test
/// class. Every run packs its own version (<c>0.0.0-test.…</c>), so NuGet never answers from a copy a previous run
/// left in the global packages folder; the folders of that version are removed from it again afterwards.
/// The build goes to a temporary artifacts folder, so the repository's bin/ and obj/ are not touched.
/// </summary>
public sealed class PackedFeed : IAsyncLifetime
{
    /// <summary>Every package Herald.Packages.slnf is expected to produce.</summary>
    public static readonly string[] PackageIds =
    [
        "Herald.Core", "Herald.Receiver", "Herald.Receiver.Sqlite", "Herald.Receiver.Postgres", "Herald.Receiver.Testing",
        "Herald.Client", "Herald.Outbox", "Herald.Cli",
    ];

    private readonly TempDirectory _root = new();

    public string Version { get; } = "0.0.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)
        + "." + Random.Shared.Next(1_000_000).ToString(CultureInfo.InvariantCulture);

    public string Feed => Path.Combine(_root.Path, "feed");

    /// <summary>A fresh folder for one test's files, deleted with the feed.</summary>
    public string NewFolder(string name)
    {
        var path = Path.Combine(_root.Path, name);
        Directory.CreateDirectory(path);
        return path;
    }

    public async Task InitializeAsync()
    {
        var result = await DotnetAsync(RepositoryRoot(), TimeSpan.FromMinutes(10),
            "pack", Path.Combine(RepositoryRoot(), "Herald.Packages.slnf"), "-c", "Release", "-o", Feed,
            "--artifacts-path", Path.Combine(_root.Path, "artifacts"), $"-p:Version={Version}");
        if (result.Exit != 0)
        {
            throw new InvalidOperationException($"dotnet pack exited with {result.Exit}:\n{result.Output}");
        }
    }

    public Task DisposeAsync()
    {
        // What restoring and installing this run's version put into the global packages folder.
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in PackageIds)
        {
            var idFolder = Path.Combine(packages, id.ToLowerInvariant());
            var folder = Path.Combine(idFolder, Version);
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
            if (Directory.Exists(idFolder) && !Directory.EnumerateFileSystemEntries(idFolder).Any())
            {
                Directory.Delete(idFolder);
            }
        }
        _root.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Runs the dotnet CLI as a user would, with MSBuild's variables of the test host's own build removed and no
    /// build servers left running afterwards (no node reuse, no shared compiler).
    /// </summary>
    public static Task<(int Exit, string Output, bool TimedOut)> DotnetAsync(string workingDirectory, TimeSpan limit, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        bool builds = arguments[0] is "pack" or "build" or "restore";
        if (builds)
        {
            info.ArgumentList.Add("-nodeReuse:false");
            info.ArgumentList.Add("-p:UseSharedCompilation=false");
        }
        Isolate(info);
        return ChildProcess.RunAsync(info, limit);
    }

    /// <summary>Drops the variables MSBuild set for the build that runs these tests, so a child build starts clean.</summary>
    public static void Isolate(ProcessStartInfo info)
    {
        foreach (var name in info.Environment.Keys.ToList())
        {
            if (name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
            {
                info.Environment.Remove(name);
            }
        }
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        info.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Herald.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("Herald.slnx not found above " + AppContext.BaseDirectory);
    }
}
