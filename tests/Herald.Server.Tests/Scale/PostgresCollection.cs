namespace Herald.Server.Tests.Scale;

/// <summary>The PostgreSQL tests of this assembly run one class at a time.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection
{
    public const string Name = "PostgreSQL";
}
