namespace Herald.Outbox.Relay;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Warning, "Outbox row {RowId} for application {AppId} could not be sent (attempt {Attempts}); retrying in {Delay}: {Error}")]
    public static partial void RetryLater(ILogger logger, long rowId, string appId, int attempts, TimeSpan delay, string error);

    [LoggerMessage(2, LogLevel.Error, "Herald refused outbox row {RowId} for application {AppId} ({EventType}); it is kept as failed: {Error}")]
    public static partial void Rejected(ILogger logger, long rowId, string appId, string eventType, string error);

    [LoggerMessage(3, LogLevel.Error, "An outbox relay round failed; trying again after the poll interval")]
    public static partial void RoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(4, LogLevel.Information, "Outbox relay started on {Provider}")]
    public static partial void Started(ILogger logger, OutboxProvider provider);
}
