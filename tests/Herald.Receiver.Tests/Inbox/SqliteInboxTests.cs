using Herald.Receiver.Sqlite;
using Herald.Receiver.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Herald.Receiver.Tests.Inbox;

public sealed class SqliteInboxTests : InboxComplianceTests
{
    private readonly TempDirectory _dir = new();

    protected override IWebhookInbox CreateInbox() => new SqliteWebhookInbox(_dir.SqliteConnectionString(), "herald_inbox", Time);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task Database_IsInWalMode()
    {
        await AddAsync("msg_1");

        await using var connection = new SqliteConnection(_dir.SqliteConnectionString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task MissingFolder_IsCreated()
    {
        string path = Path.Combine(_dir.Path, "nested", "deeper", "inbox.db");
        using var inbox = new SqliteWebhookInbox($"Data Source={path}", "herald_inbox", Time);

        Assert.True(await inbox.TryAddAsync(new InboxMessage("msg_1", null, Time.GetUtcNow(), new byte[] { 1 }), default));
        Assert.True(File.Exists(path));
    }
}
