using System.Diagnostics;

namespace Herald.Bench.Infrastructure;

/// <summary>Finds the repository and the Release build of the Herald server.</summary>
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

    /// <summary>
    /// The server DLL of the same configuration as the bench (the project reference builds it), else any Release
    /// build; builds it with <c>dotnet build -c Release</c> when none exists.
    /// </summary>
    public static async Task<string> ServerDllAsync(string? explicitPath, CancellationToken cancellationToken)
    {
        if (explicitPath is not null)
        {
            return File.Exists(explicitPath) ? Path.GetFullPath(explicitPath) : throw new FileNotFoundException("--server-dll not found.", explicitPath);
        }
        string project = Path.Combine(Root, "src", "Herald.Server");
        string release = Path.Combine(project, "bin", "Release", "net10.0", "Herald.Server.dll");
        if (!File.Exists(release))
        {
            var build = Process.Start(new ProcessStartInfo("dotnet", ["build", "-c", "Release", "--nologo", "-v", "q", Path.Combine(project, "Herald.Server.csproj")])
            {
                UseShellExecute = false,
            }) ?? throw new InvalidOperationException("dotnet build could not start.");
            await build.WaitForExitAsync(cancellationToken);
            if (build.ExitCode != 0 || !File.Exists(release))
            {
                throw new InvalidOperationException($"Building the Herald server in Release failed (exit {build.ExitCode}).");
            }
        }
        return release;
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
