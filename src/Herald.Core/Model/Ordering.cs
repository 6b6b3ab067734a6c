namespace Herald.Model;

/// <summary>
/// Whether an endpoint receives its messages one at a time in acceptance order, and what sequence each message
/// joins: the endpoint's single one, one per first channel, or one per explicit ordering key.
/// </summary>
public enum OrderingMode
{
    /// <summary>Unordered (the default): messages are sent concurrently and retried independently.</summary>
    None = 0,
    /// <summary>One sequence for the whole endpoint.</summary>
    Endpoint = 1,
    /// <summary>One sequence per message's first channel; messages without channels share the "" sequence.</summary>
    Channel = 2,
    /// <summary>One sequence per message's <c>orderingKey</c>; messages without one share the "" sequence.</summary>
    Key = 3,
}

/// <summary>What happens to the rest of a sequence when its head has used up the retry schedule.</summary>
public enum OrderingOnExhaustion
{
    /// <summary>The head is marked failed and the next message of the key is sent (the default).</summary>
    Skip = 0,
    /// <summary>The head is marked failed and holds its key until an operator resends or skips it.</summary>
    Hold = 1,
}

public static class Ordering
{
    /// <summary>The longest ordering key a message may carry.</summary>
    public const int MaxKeyLength = 256;

    public static string Name(OrderingMode mode) => mode switch
    {
        OrderingMode.Endpoint => "endpoint",
        OrderingMode.Channel => "channel",
        OrderingMode.Key => "key",
        _ => "none",
    };

    public static OrderingMode? ParseMode(string? name) => name switch
    {
        "none" => OrderingMode.None,
        "endpoint" => OrderingMode.Endpoint,
        "channel" => OrderingMode.Channel,
        "key" => OrderingMode.Key,
        _ => null,
    };

    public static string Name(OrderingOnExhaustion onExhaustion) => onExhaustion == OrderingOnExhaustion.Hold ? "hold" : "skip";

    public static OrderingOnExhaustion? ParseOnExhaustion(string? name) => name switch
    {
        "skip" => OrderingOnExhaustion.Skip,
        "hold" => OrderingOnExhaustion.Hold,
        _ => null,
    };

    /// <summary>The sequence a message joins at an endpoint with <paramref name="mode"/>; null when the endpoint is unordered.</summary>
    public static string? KeyOf(OrderingMode mode, Message message) => mode switch
    {
        OrderingMode.Endpoint => "",
        OrderingMode.Channel => message.Channels is { Count: > 0 } channels ? channels[0] : "",
        OrderingMode.Key => message.OrderingKey ?? "",
        _ => null,
    };
}

/// <summary>
/// A sequence of an ordered endpoint that is not moving: its head has failed at least once (and waits for its next
/// attempt) or is held after its retries ran out. <see cref="Waiting"/> messages of the key queue behind it.
/// </summary>
public sealed record OrderingBlock(
    string Key, string HeadMsgId, DeliveryStatus Status, bool Held, int Attempts, DateTimeOffset? NextAttempt, long Waiting, string? LastResponse);
