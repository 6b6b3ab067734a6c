using Herald.Signing;
using Microsoft.Extensions.Logging;

namespace Herald.Receiver.Verification;

internal static partial class Log
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Rejected webhook {MessageId}: verification failed ({Reason})")]
    public static partial void VerificationFailed(ILogger logger, string? messageId, VerificationFailure reason);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Rejected webhook: body larger than {MaxBodyBytes} bytes")]
    public static partial void BodyTooLarge(ILogger logger, long maxBodyBytes);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Webhook secrets reloaded ({Count} accepted)")]
    public static partial void SecretsReloaded(ILogger logger, int count);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Error, Message = "Reloaded webhook secrets are invalid; keeping the previous ones")]
    public static partial void SecretsReloadRejected(ILogger logger);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Error, Message = "Reloaded receiver configuration is invalid; keeping the previous settings and keys: {Failures}")]
    public static partial void ReloadRejected(ILogger logger, string failures);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Debug, Message = "Webhook {MessageId} is already in the inbox; acknowledged without processing again")]
    public static partial void Duplicate(ILogger logger, string messageId);
}
