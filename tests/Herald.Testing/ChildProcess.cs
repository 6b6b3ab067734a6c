using System.Diagnostics;

namespace Herald.Testing;

/// <summary>Runs a program to its end with a time limit, collecting its output; killed with its children past the limit.</summary>
public static class ChildProcess
{
    /// <returns>The exit code and stdout followed by stderr; <c>TimedOut</c> when it was killed.</returns>
    public static async Task<(int Exit, string Output, bool TimedOut)> RunAsync(ProcessStartInfo info, TimeSpan limit)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.RedirectStandardInput = true;
        info.UseShellExecute = false;
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        bool timedOut = false;
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        return (process.ExitCode, await stdout + await stderr, timedOut);
    }
}
