using System.Diagnostics;

namespace Herald.Bench.Infrastructure;

/// <summary>Finds the repository and publishes the Herald server the bench runs.</summary>
internal static class Repo
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Herald.slnx")))
                {
                    return dir.FullName;
                }
            }
        }
        throw new InvalidOperationException("Herald.slnx not found above the bench or the current directory; run the bench from the repository.");
    }

    /// <summary>How the server the bench runs was built, for the report.</summary>
    public static string ServerBuild { get; private set; } = "unknown";

    /// <summary>
    /// The server as operators deploy it: <c>dotnet publish -c Release</c> (ReadyToRun, see Herald.Server.csproj) into
    /// <c>src/Herald.Server/bin/Release/bench-publish</c>, run again on every bench start so it is never stale (an
    /// unchanged tree publishes in seconds). <c>--server-dll</c> runs another build instead, for example the plain
    /// Release build <c>src/Herald.Server/bin/Release/net10.0/Herald.Server.dll</c>, which compiles its code just in time.
    /// </summary>
    public static async Task<string> ServerDllAsync(string? explicitPath, CancellationToken cancellationToken)
    {
        if (explicitPath is not null)
        {
            ServerBuild = $"--server-dll {explicitPath}";
            return File.Exists(explicitPath) ? Path.GetFullPath(explicitPath) : throw new FileNotFoundException("--server-dll not found.", explicitPath);
        }
        string project = Path.Combine(Root, "src", "Herald.Server");
        string output = Path.Combine(project, "bin", "Release", "bench-publish");
        string dll = Path.Combine(output, "Herald.Server.dll");
        var publish = Process.Start(new ProcessStartInfo("dotnet", ["publish", "-c", "Release", "--nologo", "-v", "q", "-o", output, Path.Combine(project, "Herald.Server.csproj")])
        {
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("dotnet publish could not start.");
        await publish.WaitForExitAsync(cancellationToken);
        if (publish.ExitCode != 0 || !File.Exists(dll))
        {
            throw new InvalidOperationException($"Publishing the Herald server in Release failed (exit {publish.ExitCode}).");
        }
        ServerBuild = "dotnet publish -c Release (ReadyToRun)";
        return dll;
    }

    public static string? Commit()
    {
        try
        {
            string head = File.ReadAllText(Path.Combine(Root, ".git", "HEAD")).Trim();
            if (!head.StartsWith("ref: ", StringComparison.Ordinal))
            {
                return head;
            }
            string refPath = Path.Combine(Root, ".git", head[5..]);
            if (File.Exists(refPath))
            {
                return File.ReadAllText(refPath).Trim();
            }
            string packed = Path.Combine(Root, ".git", "packed-refs");
            return File.Exists(packed)
                ? File.ReadLines(packed).FirstOrDefault(l => l.EndsWith(head[5..], StringComparison.Ordinal))?.Split(' ')[0]
                : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
