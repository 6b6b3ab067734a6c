namespace Herald.Testing;

/// <summary>Waits for a condition that another thread makes true, bounded by a real timeout.</summary>
public static class Eventually
{
    public static async Task<T> WaitAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan? timeout = null, string? what = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        T value = await probe();
        while (!done(value))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what ?? "a condition"}; last value: {value}");
            }
            await Task.Delay(20);
            value = await probe();
        }
        return value;
    }

    public static Task WaitAsync(Func<bool> condition, TimeSpan? timeout = null, string? what = null) =>
        WaitAsync(() => Task.FromResult(condition()), v => v, timeout, what);
}
