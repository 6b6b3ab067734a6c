using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Checkout.Composition;
using Herald.Testing;

namespace Herald.Checkout.Tests.Infrastructure;

/// <summary>
/// The sample's executable (<c>Checkout.dll</c>) in a process of its own: the whole sample, or with <c>--provider</c>
/// the payment provider alone, so that a test can SIGKILL it and start it again.
/// </summary>
internal sealed class CheckoutProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private CheckoutProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) { _output.Enqueue(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { _output.Enqueue(e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int ExitCode => _process.ExitCode;

    public static CheckoutProcess Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Checkout.dll"));
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }
        return new CheckoutProcess(Process.Start(info)!);
    }

    /// <summary>The provider alone over <paramref name="dataDirectory"/>'s <c>provider.db</c>.</summary>
    /// <param name="port">The provider's port; 0 for a free one (the merchant must find it at the same port after a restart).</param>
    /// <param name="relayEnabled">False: payments commit their webhooks to the outbox and nothing sends them.</param>
    public static CheckoutProcess StartProvider(string dataDirectory, Uri heraldUrl, string heraldToken, int port, bool relayEnabled) => Start(
    [
        "--provider",
        "--Checkout:DataDirectory=" + dataDirectory,
        "--Checkout:HeraldUrl=" + heraldUrl.AbsoluteUri,
        "--Checkout:HeraldAdminToken=" + heraldToken,
        "--Checkout:Ports:Provider=" + port.ToString(CultureInfo.InvariantCulture),
        "--Checkout:ProviderRelayEnabled=" + (relayEnabled ? "true" : "false"),
    ]);

    /// <summary>Waits for a provider started with <see cref="StartProvider"/> to listen and returns its address.</summary>
    public async Task<Uri> WaitUntilListeningAsync()
    {
        string line = await WaitForLineAsync(ProviderProcess.ListeningLine);
        return new Uri(line[(line.IndexOf(ProviderProcess.ListeningLine, StringComparison.Ordinal) + ProviderProcess.ListeningLine.Length)..]);
    }

    /// <summary>Waits for a line of output that contains <paramref name="text"/> and returns it.</summary>
    public async Task<string> WaitForLineAsync(string text)
    {
        string? line = null;
        await Eventually.WaitAsync(() =>
        {
            line = _output.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal));
            if (line is null && _process.HasExited)
            {
                throw new InvalidOperationException($"Checkout exited with {_process.ExitCode}:\n{string.Join('\n', _output)}");
            }
            return line is not null;
        }, TimeSpan.FromSeconds(60), $"'{text}' from the Checkout process");
        return line!;
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
