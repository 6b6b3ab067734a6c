using System.Globalization;

namespace Herald.Bench.Infrastructure;

/// <summary>dotnet-trace (sampled thread time) and dotnet-counters attached to the server for part of an ingest or a drain.</summary>
internal sealed class Profiler : IAsyncDisposable
{
    private readonly List<ChildProcess> _tools = [];

    public static Profiler Start(string dir, int pid, string phase = "drain")
    {
        Directory.CreateDirectory(dir);
        string tools = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools");
        string Tool(string name) => File.Exists(Path.Combine(tools, name)) ? Path.Combine(tools, name) : name;
        string p = pid.ToString(CultureInfo.InvariantCulture);
        var env = new Dictionary<string, string>();
        var profiler = new Profiler();
        profiler._tools.Add(ChildProcess.Start(Tool("dotnet-trace"),
            ["collect", "-p", p, "--profile", "dotnet-sampled-thread-time", "--duration", "00:00:00:20", "-o", Path.Combine(dir, phase + ".nettrace")], env));
        profiler._tools.Add(ChildProcess.Start(Tool("dotnet-counters"),
            ["collect", "-p", p, "--format", "csv", "--refresh-interval", "1", "-o", Path.Combine(dir, phase + "-counters.csv"),
             "--counters", "System.Runtime,Microsoft.AspNetCore.Hosting,System.Net.Http"], env));
        return profiler;
    }

    public async ValueTask DisposeAsync()
    {
        // dotnet-trace stops itself after its duration or when the server exits; counters stop with the server.
        foreach (var tool in _tools)
        {
            if (!tool.HasExited)
            {
                await Task.WhenAny(Task.Delay(TimeSpan.FromSeconds(25)), Task.Run(async () =>
                {
                    while (!tool.HasExited)
                    {
                        await Task.Delay(200);
                    }
                }));
            }
            await tool.DisposeAsync();
        }
    }
}
