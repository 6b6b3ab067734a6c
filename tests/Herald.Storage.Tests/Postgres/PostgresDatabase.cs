namespace Herald.Storage.Tests.Postgres;

/// <summary>A fresh database for one test class, dropped afterwards.</summary>
public sealed class PostgresDatabase : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync() => ConnectionString = await PostgresServer.CreateDatabaseAsync("t");

    public Task DisposeAsync() => PostgresServer.DropDatabaseAsync(ConnectionString);
}

/// <summary>
/// Every PostgreSQL test class runs in this one collection, one class at a time, so that the database-restart
/// test never pulls the server from under another test.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection
{
    public const string Name = "PostgreSQL";
}
