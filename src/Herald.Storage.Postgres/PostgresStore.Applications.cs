namespace Herald.Storage.Postgres;

/// <summary>
/// Applications are read on every API request (a message names its application) and change rarely, so each node
/// keeps them for up to <see cref="ApplicationMaxAge"/>: a change made through this node is seen here at once (the
/// cache is dropped when the write runs and again after its commit), a change made through another node within
/// that time. Until then, this node may still accept a message for an application just deleted elsewhere, as it
/// could when the delete committed between its lookup and its write; retention removes such a message.
/// </summary>
public sealed partial class PostgresStore
{
    /// <summary>The longest an application change made on another node can go unseen on this one.</summary>
    public static readonly TimeSpan ApplicationMaxAge = TimeSpan.FromSeconds(1);

    private readonly ApplicationCache _applications = new(ApplicationMaxAge);

    internal override ApplicationCache Applications => _applications;

    protected override void ApplicationsChanged()
    {
        _applications.Forget();
        if (_marks.Value is { } marks)
        {
            marks.ApplicationsChanged = true;
        }
    }
}
