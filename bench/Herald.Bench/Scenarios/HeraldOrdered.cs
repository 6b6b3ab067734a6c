using System.Text;
using Herald.Bench.Infrastructure;
using Herald.Bench.Targets;

namespace Herald.Bench.Scenarios;

/// <summary>
/// Throughput to one ordered endpoint (docs/ordering.md): the same backlog drained to an unordered endpoint, to an
/// endpoint ordered by key with every message on one key, and with the messages spread over 1,000 keys. One key is
/// one request in flight at a time, so its rate is one round trip (claim, send, record) per message.
/// </summary>
internal static class HeraldOrdered
{
    public const string System = "Herald, ordering";

    public static async Task RunAsync(BenchContext ctx, string kind, CancellationToken cancellationToken)
    {
        int messages = ctx.Options.OrderedMessages;
        foreach (var (label, keys) in new[] { ("unordered", 0), ("ordered, 1 key", 1), ("ordered, 1,000 keys", 1000) })
        {
            var store = await ctx.NewStoreAsync(kind, "ordered" + keys, cancellationToken);
            var backlog = await BuildAsync(ctx, store, keys, messages, label, cancellationToken);
            var drain = await HeraldDrain.RunAsync(ctx, store, backlog, p => p == "/ok/ordered", backlog.Accepted, label, cancellationToken, TimeSpan.FromMinutes(2));
            ctx.Results.Drains.Add(drain with { System = System });
        }
    }

    private static async Task<Backlog> BuildAsync(BenchContext ctx, HeraldStore store, int keys, int messages, string label, CancellationToken cancellationToken)
    {
        await using var server = await HeraldServerProcess.StartAsync(ctx.ServerDll, store, "api", cancellationToken);
        using var api = new HeraldApi(server.BaseUrl, ctx.Options.IngestConcurrency);
        string appId = await api.CreateAppAsync("bench-" + label, cancellationToken);
        string endpointId = await api.CreateEndpointAsync(appId, ctx.Sink.Url("/ok/ordered", 0), cancellationToken, keys > 0 ? "key" : null);
        await ctx.Sink.RegisterSecretsAsync(new Dictionary<string, string> { ["/ok/ordered"] = await api.GetSecretAsync(appId, endpointId, cancellationToken) }, cancellationToken);
        long accepted = 0, done = 0;
        // Each key is owned by one sender, which posts its messages one after another: the key's acceptance order is
        // the order of seq. One key means one sender; otherwise 16 share the keys.
        int senders = keys == 1 ? 1 : 16;
        await Ui.TrackAsync($"{store.Name}: ingest {messages:N0} messages ({label})", messages, async progress =>
        {
            var workers = Enumerable.Range(0, senders).Select(w => Task.Run(async () =>
            {
                for (long seq = 1; seq <= messages; seq++)
                {
                    long k = keys > 0 ? seq % keys : seq;
                    if (k % senders != w)
                    {
                        continue;
                    }
                    string key = keys > 0 ? $",\"orderingKey\":\"k{k}\"" : "";
                    var body = Encoding.UTF8.GetBytes($$"""{"eventType":"payment.succeeded"{{key}},"payload":{{Payloads.Payload(seq, 0)}}}""");
                    if (await api.SendMessageAsync(appId, body, cancellationToken))
                    {
                        Interlocked.Increment(ref accepted);
                    }
                    Interlocked.Increment(ref done);
                }
            }, cancellationToken)).ToArray();
            var all = Task.WhenAll(workers);
            while (await Task.WhenAny(all, Task.Delay(200, cancellationToken)) != all)
            {
                progress(Interlocked.Read(ref done));
            }
            await all;
            return accepted;
        });
        return new Backlog(appId, [("/ok/ordered", endpointId)], accepted, new IngestResult(store.Name, accepted, messages - accepted, 1, 0, 0));
    }
}
