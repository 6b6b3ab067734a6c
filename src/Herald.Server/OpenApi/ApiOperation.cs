namespace Herald.Server.OpenApi;

/// <summary>One documented route: its method, path, what it takes and what it answers.</summary>
internal sealed record ApiOperation(string Method, string Path, string Tag, string Summary)
{
    public IReadOnlyList<string> Query { get; init; } = [];
    public string? Body { get; init; }
    public int Status { get; init; } = 200;
    /// <summary>The schema of the success body; null for an empty one.</summary>
    public string? Returns { get; init; }
    public string ContentType { get; init; } = "application/json";
    public bool Public { get; init; }
}
