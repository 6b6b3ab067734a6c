using System.Diagnostics;
using System.Text.Json;
using Herald.Server.Tests.Infrastructure;
using Herald.Testing;
using Xunit.Abstractions;

namespace Herald.Server.Tests.Api;

/// <summary>The official Svix JavaScript SDK (tests/sdk-compat) drives Herald unchanged and verifies its deliveries.</summary>
public sealed class SvixSdkCompatibilityTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_official_svix_sdk_works_against_herald()
    {
        string folder = Path.Combine(RepositoryRoot(), "tests", "sdk-compat");
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "svix")))
        {
            var (code, text) = await RunAsync("npm", folder, "ci", "--no-audit", "--no-fund");
            Assert.True(code == 0, $"`npm ci` in tests/sdk-compat failed (Node.js and npm are needed):\n{text}");
        }

        using var dir = new TempDirectory();
        string log = dir.File("received.jsonl");
        await using var receiver = await TestReceiver.StartAsync();
        receiver.Respond = async (ctx, request) =>
        {
            var line = JsonSerializer.Serialize(new { body = request.BodyText, headers = request.Headers });
            await File.AppendAllTextAsync(log, line + "\n");
            await ctx.Response.WriteAsync("ok");
        };
        await using var host = await HeraldHost.StartAsync();
        var (exit, stdout) = await RunAsync("node", folder, "compat.mjs", host.Client.BaseAddress!.ToString().TrimEnd('/'), HeraldHost.Token, receiver.Url("/sdk"), log);
        output.WriteLine(stdout);
        Assert.True(exit == 0, stdout);
        Assert.Contains("checks passed", stdout, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
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
