using System.Diagnostics;

namespace Herald.Receiver.Tests.Support;

/// <summary>Waits for a condition by polling, bounded by a real timeout; never sleeps a fixed time.</summary>
internal static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <param name="step">Run between polls, e.g. to move a fake clock forward.</param>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, Action? step = null, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > limit)
            {
                Assert.Fail($"Timed out after {limit.TotalSeconds:0.#} s waiting until {what}.");
            }
            step?.Invoke();
            await Task.Delay(20);
        }
    }

    public static Task UntilAsync(Func<bool> condition, string what, Action? step = null, TimeSpan? timeout = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, step, timeout);
}
