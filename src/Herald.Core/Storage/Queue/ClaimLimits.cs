namespace Herald.Storage.Queue;

/// <summary>
/// What one claim may take, so that a node's capacity is shared fairly: between applications (each gets its turn
/// and at most its room) and between first attempts and retries (retries take at most <see cref="Retries"/>).
/// </summary>
public sealed record ClaimLimits
{
    public static readonly ClaimLimits None = new();

    /// <summary>Endpoints whose deliveries are left alone (their lane on this node is full).</summary>
    public IReadOnlyCollection<string> ExcludedEndpoints { get; init; } = [];

    /// <summary>The most deliveries an application not in <see cref="AppRoom"/> may get from this claim; null for no limit.</summary>
    public int? PerApp { get; init; }

    /// <summary>Applications with deliveries held already, and how many more each may get (0 leaves it out).</summary>
    public IReadOnlyDictionary<string, int> AppRoom { get; init; } = new Dictionary<string, int>();

    /// <summary>The most retries (deliveries with an attempt made) this claim may take; null for no limit.</summary>
    public int? Retries { get; init; }

    /// <summary>How many more deliveries the application may get.</summary>
    public int RoomOf(string appId) =>
        AppRoom.TryGetValue(appId, out int room) ? Math.Max(0, room) : PerApp ?? int.MaxValue;
}
