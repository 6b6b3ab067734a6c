namespace Herald.Client;

/// <summary>One page of a list, in the Svix shape.</summary>
internal sealed record ListResponse<T>(IReadOnlyList<T> Data, string? Iterator, string? PrevIterator, bool Done);
