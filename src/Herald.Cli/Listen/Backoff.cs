namespace Herald.Cli.Listen;

/// <summary>Reconnect delays: 1 s doubling to 30 s, back to 1 s once a connection succeeds.</summary>
internal sealed class Backoff
{
    private static readonly TimeSpan First = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(30);
    private TimeSpan _next = First;

    public void Reset() => _next = First;

    public TimeSpan Next()
    {
        var delay = _next;
        _next = _next * 2 > Max ? Max : _next * 2;
        return delay;
    }
}
