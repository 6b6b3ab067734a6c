namespace Herald.Server.Api;

/// <summary>An error body: RFC 9457 problem fields plus the <c>code</c>/<c>detail</c> pair Svix clients read.</summary>
public sealed record Problem(string Type, string Title, int Status, string Code, string Detail);

/// <summary>A 422 body: the Svix validation shape (<c>detail</c> is a list) with problem fields beside it.</summary>
public sealed record ValidationProblem(string Type, string Title, int Status, string Code, IReadOnlyList<ValidationErrorItem> Detail);

public sealed record ValidationErrorItem(IReadOnlyList<string> Loc, string Msg, string Type);
