using Herald.Ids;
using Herald.Model;
using Herald.Storage.Sqlite;
using Herald.Testing;
using Microsoft.Data.Sqlite;

namespace Herald.Storage.Tests.Sqlite;

/// <summary>The SQLite file under retention: freed pages are used again, so steady traffic does not grow it.</summary>
public sealed class SqliteRetentionTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly TempDirectory _directory = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }

    private static long Pragma(string path, string name)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA " + name;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task A_new_file_vacuums_incrementally_and_an_existing_one_keeps_its_mode()
    {
        string fresh = _directory.File("fresh.db");
        await using (var store = new SqliteStore(fresh))
        {
            await store.InitializeAsync(Ct);
        }
        Assert.Equal(2, Pragma(fresh, "auto_vacuum")); // INCREMENTAL

        string old = _directory.File("old.db");
        using (var connection = new SqliteConnection($"Data Source={old};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE existing (id INTEGER PRIMARY KEY)";
            command.ExecuteNonQuery();
        }
        await using (var store = new SqliteStore(old))
        {
            await store.InitializeAsync(Ct);
        }
        Assert.Equal(0, Pragma(old, "auto_vacuum"));
    }

    [Fact]
    public async Task Rounds_of_ingest_and_retention_reuse_the_freed_pages()
    {
        string path = _directory.File("steady.db");
        var pages = new List<long>();
        await using (var store = new SqliteStore(path, synchronousFull: false))
        {
            await store.InitializeAsync(Ct);
            var app = new Application { Id = HeraldId.New(HeraldId.App, T0), Name = "Shop", Metadata = new Dictionary<string, string>(), CreatedAt = T0, UpdatedAt = T0 };
            await store.CreateApplicationAsync(app, Ct);
            await store.CreateEndpointAsync(new Endpoint
            {
                Id = HeraldId.New(HeraldId.Endpoint, T0), AppId = app.Id, Url = "https://shop.example/hook", Description = "",
                Secret = "whsec_x", Headers = new Dictionary<string, string>(), CreatedAt = T0, UpdatedAt = T0,
            }, Ct);
            string payload = $$"""{"blob":"{{new string('x', 2000)}}"}""";
            for (int round = 0; round < 6; round++)
            {
                var start = T0.AddMinutes(round);
                for (int n = 0; n < 500; n++)
                {
                    var at = start.AddMilliseconds(n);
                    await store.CreateMessageAsync(new Message
                    {
                        Id = HeraldId.New(HeraldId.Message, at), AppId = app.Id, EventType = "invoice.paid", Payload = payload, CreatedAt = at,
                    }, null, null, Ct);
                }
                // Keep one minute of messages, as a one-minute retention would.
                while ((await store.DeleteMessagesBeforeAsync(start, 100, Ct)).Messages > 0)
                {
                }
                await store.ProbeWriteAsync(start, Ct); // a write, so that the WAL is checkpointed into the file over time
                pages.Add(Pragma(path, "page_count"));
            }
        }

        // The first rounds fill the file; later ones find room in the pages the previous deletes freed.
        Assert.True(pages[^1] <= pages[1] * 1.2, $"page counts per round: {string.Join(", ", pages)}");
    }
}
