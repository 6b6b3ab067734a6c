using Herald.Receiver;
using Herald.Receiver.Postgres;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The PostgreSQL inbox for Herald's receiver.</summary>
public static class HeraldReceiverPostgresBuilderExtensions
{
    /// <summary>
    /// Keeps the receiver's messages in PostgreSQL, in its <c>Inbox:TableName</c> (created when missing), shared by every
    /// instance of the app. The database is the receiver's <c>Inbox:ConnectionString</c> when set (with a data source of the
    /// inbox's own that logs through the app's logging), else the app's <see cref="NpgsqlDataSource"/>, as
    /// <c>AddNpgsqlDataSource(…)</c> registers it.
    /// </summary>
    public static IHeraldReceiverBuilder UsePostgresInbox(this IHeraldReceiverBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        string name = builder.Name;
        return builder.UseInbox(services =>
        {
            var inbox = Inbox(services, name);
            var time = services.GetRequiredService<TimeProvider>();
            if (inbox.ConnectionString is { } connectionString)
            {
                var dataSource = new NpgsqlDataSourceBuilder(connectionString)
                    .UseLoggerFactory(services.GetService<ILoggerFactory>())
                    .Build();
                return new PostgresWebhookInbox(dataSource, ownsDataSource: true, inbox.TableName, time);
            }
            var appDataSource = services.GetService<NpgsqlDataSource>()
                ?? throw new InvalidOperationException(
                    $"The PostgreSQL inbox{(name.Length == 0 ? "" : $" of receiver '{name}'")} has no database: set its Inbox:ConnectionString, "
                    + "register the app's NpgsqlDataSource (AddNpgsqlDataSource), or pass a data source to UsePostgresInbox.");
            return new PostgresWebhookInbox(appDataSource, ownsDataSource: false, inbox.TableName, time);
        });
    }

    /// <summary>
    /// Keeps the receiver's messages in PostgreSQL through <paramref name="dataSource"/>, the app's own: its pool, settings
    /// and logging. The inbox does not dispose it. <c>Inbox:ConnectionString</c> is not used.
    /// </summary>
    public static IHeraldReceiverBuilder UsePostgresInbox(this IHeraldReceiverBuilder builder, NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        return builder.UsePostgresInbox(_ => dataSource);
    }

    /// <summary>
    /// Keeps the receiver's messages in PostgreSQL through the data source <paramref name="dataSource"/> picks from the
    /// app's services, e.g. <c>sp =&gt; sp.GetRequiredKeyedService&lt;NpgsqlDataSource&gt;("inbox")</c>. The inbox does not dispose it.
    /// </summary>
    public static IHeraldReceiverBuilder UsePostgresInbox(this IHeraldReceiverBuilder builder, Func<IServiceProvider, NpgsqlDataSource> dataSource)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(dataSource);
        string name = builder.Name;
        return builder.UseInbox(services => new PostgresWebhookInbox(dataSource(services), ownsDataSource: false,
            Inbox(services, name).TableName, services.GetRequiredService<TimeProvider>()));
    }

    private static InboxOptions Inbox(IServiceProvider services, string name) =>
        services.GetRequiredService<IOptionsMonitor<HeraldReceiverOptions>>().Get(name).Inbox;
}
