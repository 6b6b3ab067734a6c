using Herald.Storage.Postgres;
using Npgsql;

namespace Herald.Storage.Tests.Postgres;

/// <summary>The settings Herald's pooled connections reach the server with.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresConnectionSettingsTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task Connections_run_without_jit_and_keep_the_callers_own_options()
    {
        Assert.Equal(("off", "7MB"), await SettingsAsync(database.ConnectionString + ";Options=-c work_mem=7MB"));
        Assert.Equal("off", (await SettingsAsync(database.ConnectionString)).Jit);
    }

    [Fact]
    public async Task A_jit_setting_in_the_connection_string_wins()
    {
        Assert.Equal("on", (await SettingsAsync(database.ConnectionString + ";Options=-c jit=on")).Jit);
    }

    private static async Task<(string Jit, string WorkMem)> SettingsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(PostgresStore.PooledConnectionString(connectionString).ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT current_setting('jit'), current_setting('work_mem')", connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetString(0), reader.GetString(1));
    }
}
