namespace Herald.Receiver.Inbox;

/// <summary>The status words stored in the inbox table, readable in SQL.</summary>
internal static class InboxStatusNames
{
    public const string Pending = "pending";
    public const string Processing = "processing";
    public const string Processed = "processed";
    public const string Failed = "failed";

    public static string ToName(InboxStatus status) => status switch
    {
        InboxStatus.Pending => Pending,
        InboxStatus.Processing => Processing,
        InboxStatus.Processed => Processed,
        InboxStatus.Failed => Failed,
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static InboxStatus Parse(string name) => name switch
    {
        Pending => InboxStatus.Pending,
        Processing => InboxStatus.Processing,
        Processed => InboxStatus.Processed,
        Failed => InboxStatus.Failed,
        _ => throw new InvalidOperationException($"Unknown inbox status '{name}'."),
    };
}
