using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Checkout.Composition;
using Herald.Testing;

namespace Herald.Checkout.Tests.Infrastructure;

/// <summary>
/// The sample's payment provider in a process of its own (<c>Checkout --provider</c>) over a data folder's
/// <c>provider.db</c>, so that a test can SIGKILL it and start it again.
/// </summary>
internal sealed class ProviderChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ProviderChildProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) { _output.Enqueue(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { _output.Enqueue(e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int ExitCode => _process.ExitCode;

    /// <param name="port">The provider's port; 0 for a free one (the merchant must find it at the same port after a restart).</param>
    /// <param name="relayEnabled">False: payments commit their webhooks to the outbox and nothing sends them.</param>
    public static ProviderChildProcess Start(string dataDirectory, Uri heraldUrl, string heraldToken, int port, bool relayEnabled)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                Path.Combine(AppContext.BaseDirectory, "Checkout.dll"), "--provider",
                "--Checkout:DataDirectory=" + dataDirectory,
                "--Checkout:HeraldUrl=" + heraldUrl.AbsoluteUri,
                "--Checkout:HeraldAdminToken=" + heraldToken,
                "--Checkout:Ports:Provider=" + port.ToString(CultureInfo.InvariantCulture),
                "--Checkout:ProviderRelayEnabled=" + (relayEnabled ? "true" : "false"),
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        return new ProviderChildProcess(Process.Start(info)!);
    }

    /// <summary>Waits for the provider to listen and returns its address.</summary>
    public async Task<Uri> WaitUntilListeningAsync()
    {
        string? line = null;
        await Eventually.WaitAsync(() =>
        {
            line = _output.FirstOrDefault(l => l.StartsWith(ProviderProcess.ListeningLine, StringComparison.Ordinal));
            if (line is null && _process.HasExited)
            {
                throw new InvalidOperationException($"The provider exited with {_process.ExitCode}:\n{string.Join('\n', _output)}");
            }
            return line is not null;
        }, TimeSpan.FromSeconds(60), "the provider process to listen");
        return new Uri(line![ProviderProcess.ListeningLine.Length..]);
    }

    /// <summary>SIGKILL: the process gets no chance to finish anything.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>A port on 127.0.0.1 that was free a moment ago, for a server another process must know before it starts.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }
        _process.Dispose();
    }
}
