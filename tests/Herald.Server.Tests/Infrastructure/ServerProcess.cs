using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Herald.Server.Hosting;
using Herald.Testing;

namespace Herald.Server.Tests.Infrastructure;

/// <summary>The Herald server as a separate OS process, so a test can kill it with SIGKILL.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static Task<ServerProcess> StartAsync(int port, IDictionary<string, string> environment)
    {
        var dll = typeof(HeraldServer).Assembly.Location;
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll, "--urls", $"http://127.0.0.1:{port}" },
        };
        return StartAsync(info, port, environment);
    }

    /// <summary>
    /// Runs the server process, expected to exit by itself (a start that is refused), for at most
    /// <paramref name="limit"/>; past that it is killed and the test fails.
    /// </summary>
    public static async Task<(int Exit, string Output, string Error)> RunToExitAsync(IDictionary<string, string> environment, TimeSpan limit)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { typeof(HeraldServer).Assembly.Location, "--urls", $"http://127.0.0.1:{FreePort()}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (k, v) in environment)
        {
            info.Environment[k] = v;
        }
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail($"The Herald server did not exit within {limit}. stderr: {await error}");
        }
        return (process.ExitCode, await output, await error);
    }

    /// <summary>
    /// The README's command, <c>dotnet run --project src/Herald.Server -- --urls …</c>, typed in
    /// <paramref name="workingDirectory"/> (with <c>--no-build</c>: the test build has built the server already).
    /// </summary>
    public static Task<ServerProcess> StartWithDotnetRunAsync(string repositoryRoot, string workingDirectory, int port, IDictionary<string, string> environment)
    {
        string configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                "run", "--no-build", "-c", configuration, "--project", Path.Combine(repositoryRoot, "src", "Herald.Server"),
                "--", "--urls", $"http://127.0.0.1:{port}",
            },
            WorkingDirectory = workingDirectory,
        };
        return StartAsync(info, port, environment);
    }

    private static async Task<ServerProcess> StartAsync(ProcessStartInfo info, int port, IDictionary<string, string> environment)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (k, v) in environment)
        {
            info.Environment[k] = v;
        }
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, $"http://127.0.0.1:{port}");
        using var probe = new HttpClient { BaseAddress = new Uri(server.BaseUrl), Timeout = TimeSpan.FromSeconds(2) };
        await Eventually.WaitAsync(async () =>
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The Herald server exited with code {process.ExitCode} during start-up.");
            }
            try
            {
                return (await probe.GetAsync("/api/v1/health")).StatusCode == HttpStatusCode.NoContent;
            }
            catch (HttpRequestException)
            {
                return false;
            }
            catch (TaskCanceledException)
            {
                return false;
            }
        }, ok => ok, TimeSpan.FromSeconds(60), "the Herald server process to answer /api/v1/health");
        return server;
    }

    /// <summary>SIGSTOP: the process freezes (no thread runs, sockets stay open) until <see cref="Thaw"/>.</summary>
    public void Freeze() => SendSignal("-STOP");

    /// <summary>SIGCONT: a frozen process goes on where it stopped, its timers now late.</summary>
    public void Thaw() => SendSignal("-CONT");

    private void SendSignal(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) } })!;
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill {signal} {_process.Id} exited with {kill.ExitCode}.");
        }
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
