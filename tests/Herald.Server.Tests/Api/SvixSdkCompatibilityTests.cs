using System.Diagnostics;
using System.Text.Json;
using Herald.Server.Tests.Infrastructure;
using Herald.Server.Tests.Scale;
using Herald.Testing;
using Xunit.Abstractions;

namespace Herald.Server.Tests.Api;

/// <summary>
/// Both generations of the official Svix JavaScript SDK (tests/sdk-compat: svix 1.x and 2.x) drive Herald unchanged,
/// over SQLite and over PostgreSQL, and verify its deliveries.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SvixSdkCompatibilityTests(ITestOutputHelper output)
{
    private static readonly SemaphoreSlim Install = new(1, 1);

    [Theory]
    [InlineData("1", "sqlite")]
    [InlineData("2", "sqlite")]
    [InlineData("1", "postgres")]
    [InlineData("2", "postgres")]
    public async Task The_official_svix_sdk_works_against_herald(string generation, string store)
    {
        string folder = await InstalledSdkFolderAsync();
        using var dir = new TempDirectory();
        string log = dir.File("received.jsonl");
        await using var receiver = await TestReceiver.StartAsync();
        var writing = new SemaphoreSlim(1, 1);
        receiver.Respond = async (ctx, request) =>
        {
            var line = JsonSerializer.Serialize(new { path = request.Path, body = request.BodyText, headers = request.Headers });
            await writing.WaitAsync();
            try
            {
                await File.AppendAllTextAsync(log, line + "\n");
            }
            finally
            {
                writing.Release();
            }
            await ctx.Response.WriteAsync("ok");
        };
        string? database = store == "postgres" ? await PostgresServer.CreateDatabaseAsync("sdk") : null;
        try
        {
            var settings = database is null ? null : new Dictionary<string, string?>
            {
                ["Herald:Storage:Provider"] = "postgres",
                ["Herald:Storage:ConnectionString"] = database,
            };
            await using var host = await HeraldHost.StartAsync(settings);
            var (exit, stdout) = await RunAsync("node", folder, "compat.mjs", generation, host.Client.BaseAddress!.ToString().TrimEnd('/'), HeraldHost.Token, receiver.BaseUrl, log);
            output.WriteLine(stdout);
            Assert.True(exit == 0, stdout);
            Assert.Contains($"checks passed with svix {generation}.", stdout, StringComparison.Ordinal);
        }
        finally
        {
            if (database is not null)
            {
                await PostgresServer.DropDatabaseAsync(database);
            }
        }
    }

    /// <summary>tests/sdk-compat with both SDK generations installed from its package-lock.json (npm ci when missing).</summary>
    private static async Task<string> InstalledSdkFolderAsync()
    {
        string folder = Path.Combine(RepositoryRoot(), "tests", "sdk-compat");
        await Install.WaitAsync();
        try
        {
            if (!Directory.Exists(Path.Combine(folder, "node_modules", "svix1")) || !Directory.Exists(Path.Combine(folder, "node_modules", "svix2")))
            {
                var (code, text) = await RunAsync("npm", folder, "ci", "--no-audit", "--no-fund");
                Assert.True(code == 0, $"`npm ci` in tests/sdk-compat failed (Node.js and npm are needed; scripts/test.sh installs them):\n{text}");
            }
        }
        finally
        {
            Install.Release();
        }
        return folder;
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        var (exit, output, timedOut) = await ChildProcess.RunAsync(info, TimeSpan.FromMinutes(3));
        Assert.False(timedOut, $"{file} did not finish within 3 minutes:\n{output}");
        return (exit, output);
    }

    internal static string RepositoryRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "Herald.slnx")))
            {
                return d.FullName;
            }
        }
        throw new DirectoryNotFoundException("Herald.slnx not found above " + AppContext.BaseDirectory);
    }
}
