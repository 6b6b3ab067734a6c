using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Herald.Bench.Infrastructure;

/// <summary>
/// A child process (the Herald server or the sink) with its output kept for error messages and its memory sampled.
/// With HERALD_BENCH_CHILD_LOGS set to a folder, every line it prints is also written to a file there.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private StreamWriter? _log;

    private ChildProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }
        foreach (var (k, v) in environment)
        {
            info.Environment[k] = v;
        }
        var child = new ChildProcess(Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}."));
        if (Environment.GetEnvironmentVariable("HERALD_BENCH_CHILD_LOGS") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            child._log = new StreamWriter(Path.Combine(folder, $"{Path.GetFileNameWithoutExtension(arguments.FirstOrDefault() ?? fileName)}-{child.Id}.log")) { AutoFlush = true };
        }
        child._process.OutputDataReceived += (_, e) => child.Keep(e.Data);
        child._process.ErrorDataReceived += (_, e) => child.Keep(e.Data);
        child._process.BeginOutputReadLine();
        child._process.BeginErrorReadLine();
        return child;
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_tail)
        {
            _log?.WriteLine(line);
            _tail.Enqueue(line);
            while (_tail.Count > 40)
            {
                _tail.Dequeue();
            }
        }
    }

    public string Tail()
    {
        lock (_tail)
        {
            return string.Join('\n', _tail);
        }
    }

    /// <summary>Polls <paramref name="url"/> until it answers 2xx; fails with the process output if the process exits first.</summary>
    public async Task WaitReadyAsync(string url, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (_process.HasExited)
            {
                throw new ChildExitedException($"exited with code {_process.ExitCode} during start-up:\n{Tail()}");
            }
            try
            {
                using var response = await probe.GetAsync(new Uri(url), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }
            await Task.Delay(50, cancellationToken);
        }
        throw new TimeoutException($"{url} did not answer within {timeout.TotalSeconds:0} s:\n{Tail()}");
    }

    /// <summary>Resident set size now and its high-water mark, in bytes, from /proc (0 where /proc is missing).</summary>
    public (long Rss, long Hwm) Memory()
    {
        try
        {
            long rss = 0, hwm = 0;
            foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = ParseKb(line);
                }
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    hwm = ParseKb(line);
                }
            }
            return (rss, hwm);
        }
        catch (IOException)
        {
            return (0, 0);
        }
        catch (UnauthorizedAccessException)
        {
            return (0, 0);
        }
    }

    /// <summary>User+system CPU time of the process so far (from /proc/pid/stat), or zero.</summary>
    public TimeSpan CpuTime()
    {
        try
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
        catch (InvalidOperationException)
        {
            return TimeSpan.Zero;
        }
    }

    private static long ParseKb(string line) =>
        long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), System.Globalization.CultureInfo.InvariantCulture) * 1024;

    /// <summary>SIGKILL: everything the server acknowledged is already durable, so no graceful stop is needed.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
        lock (_tail)
        {
            _log?.Dispose();
            _log = null;
        }
    }
}

internal sealed class ChildExitedException(string message) : Exception(message);
