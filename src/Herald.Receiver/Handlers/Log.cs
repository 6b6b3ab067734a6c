using Microsoft.Extensions.Logging;

namespace Herald.Receiver.Handlers;

internal static partial class Log
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "Webhook {MessageId} ({EventType}) processed on attempt {Attempt}")]
    public static partial void Processed(ILogger logger, string messageId, string? eventType, int attempt);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Webhook {MessageId} has no handler for event type '{EventType}'; marked processed")]
    public static partial void NoHandler(ILogger logger, string messageId, string? eventType);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Handler for webhook {MessageId} ({EventType}) failed on attempt {Attempt}; retrying in {Delay}")]
    public static partial void WillRetry(ILogger logger, Exception exception, string messageId, string? eventType, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Error, Message = "Handler for webhook {MessageId} ({EventType}) failed on attempt {Attempt}; marked failed")]
    public static partial void GaveUp(ILogger logger, Exception exception, string messageId, string? eventType, int attempt);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Error, Message = "The webhook inbox could not be read; trying again in {Delay}")]
    public static partial void InboxUnavailable(ILogger logger, Exception exception, TimeSpan delay);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Error, Message = "Recording the outcome of webhook {MessageId} failed; its lease will expire and it will run again")]
    public static partial void OutcomeNotRecorded(ILogger logger, Exception exception, string messageId);
}
