namespace Herald.Server.Changes;

/// <summary>What a caller (API, dashboard or portal form) asks an endpoint to be; validated by <see cref="EndpointChanges"/>.</summary>
internal sealed record EndpointDraft
{
    public required string Url { get; init; }
    public string? Uid { get; init; }
    public string? Description { get; init; }
    public bool Disabled { get; init; }
    public IReadOnlyList<string>? EventTypes { get; init; }
    public IReadOnlyList<string>? Channels { get; init; }
    public int? ThrottleRate { get; init; }
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
    public IReadOnlyDictionary<string, string>? Headers { get; init; }
    /// <summary>A <c>whsec_</c> secret (the prefix may be left out) or a <c>whsk_</c> key pair; generated when null.</summary>
    public string? Secret { get; init; }
    /// <summary>The kind generated when <see cref="Secret"/> is null.</summary>
    public SecretKind KeyType { get; init; }
    /// <summary>Null leaves an existing endpoint's ordering as it is (Svix clients do not send it); none at creation.</summary>
    public Herald.Model.OrderingMode? Ordering { get; init; }
    public Herald.Model.OrderingOnExhaustion? OrderingOnExhaustion { get; init; }
}

/// <summary>What a caller asks an application to be.</summary>
internal sealed record ApplicationDraft
{
    public required string Name { get; init; }
    public string? Uid { get; init; }
    public int? ThrottleRate { get; init; }
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}
