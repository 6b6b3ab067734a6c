using System.Collections.Concurrent;
using System.Diagnostics;
using Herald.Testing;

namespace Herald.Outbox.Tests.Infrastructure;

/// <summary>The relay in a process of its own (tests/Herald.Outbox.RelayHost), so that a test can SIGKILL it.</summary>
internal sealed class RelayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentQueue<string> _errors = new();

    private RelayProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) { _lines.Enqueue(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { _errors.Enqueue(e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static RelayProcess Start(OutboxDatabase db, HeraldHost herald, bool hangAfterSend)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "Herald.Outbox.RelayHost.dll"), db.Provider.ToString(), db.ConnectionString, herald.BaseUrl, HeraldHost.Token },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (hangAfterSend)
        {
            info.ArgumentList.Add("--hang-after-send");
        }
        return new RelayProcess(Process.Start(info)!);
    }

    /// <summary>Waits for a line of output that starts with <paramref name="prefix"/>.</summary>
    public async Task<string> WaitForLineAsync(string prefix)
    {
        string? found = null;
        await Eventually.WaitAsync(() =>
        {
            if (_process.HasExited && found is null)
            {
                throw new InvalidOperationException($"The relay exited with {_process.ExitCode}: {string.Join('\n', _errors)}");
            }
            found = _lines.FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
            return found is not null;
        }, TimeSpan.FromSeconds(60), $"'{prefix}' from the relay process");
        return found!;
    }

    /// <summary>SIGKILL: the process gets no chance to finish anything.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
