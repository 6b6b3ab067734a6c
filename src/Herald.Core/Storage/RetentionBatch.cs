namespace Herald.Storage;

/// <summary>
/// What one retention batch deleted: <see cref="Messages"/> messages with their <see cref="Deliveries"/> deliveries
/// and <see cref="Attempts"/> attempts. <see cref="Undelivered"/> of those deliveries were still pending or being sent.
/// </summary>
public sealed record RetentionBatch(int Messages, int Deliveries, int Attempts, int Undelivered)
{
    public static readonly RetentionBatch None = new(0, 0, 0, 0);
}
