using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Herald.Server.Tests.Infrastructure;
using Herald.Testing;

namespace Herald.Server.Tests.Scale;

/// <summary>Several Herald server processes on one PostgreSQL database, and a client that spreads messages over them.</summary>
internal sealed class Cluster : IAsyncDisposable
{
    private readonly Dictionary<string, string> _environment;
    private ServerProcess?[] _nodes;
    private HttpClient[] _clients;

    private Cluster(Dictionary<string, string> environment, ServerProcess[] nodes)
    {
        _environment = environment;
        _nodes = nodes;
        _clients = nodes.Select(n => Client(n.BaseUrl)).ToArray();
    }

    public int Size => _nodes.Length;

    /// <param name="settings">More environment variables for every node (e.g. <c>Herald__Delivery__Breaker__FailureThreshold</c>).</param>
    public static async Task<Cluster> StartAsync(string connectionString, int nodes, TimeSpan lease, IReadOnlyDictionary<string, string>? settings = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["Herald__AdminToken"] = HeraldHost.Token,
            ["Herald__Storage__Provider"] = "postgres",
            ["Herald__Storage__ConnectionString"] = connectionString,
            ["Herald__Delivery__AllowedSubnets__0"] = "127.0.0.0/8",
            ["Herald__Delivery__Lease"] = lease.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
            // A delivery is sent only while its lease outlasts the whole request.
            ["Herald__Delivery__RequestTimeout"] = (lease / 2).ToString("c", System.Globalization.CultureInfo.InvariantCulture),
            ["Herald__Delivery__PollInterval"] = "00:00:00.500",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string>())
        {
            environment[k] = v;
        }
        // The first node migrates the schema; the others start once it is there.
        var first = await ServerProcess.StartAsync(ServerProcess.FreePort(), environment);
        var rest = await Task.WhenAll(Enumerable.Range(1, nodes - 1).Select(_ => ServerProcess.StartAsync(ServerProcess.FreePort(), environment)));
        return new Cluster(environment, [first, .. rest]);
    }

    public HttpClient Node(int i) => _clients[i];

    /// <summary>Starts one more node on the same database and settings; returns its index.</summary>
    public async Task<int> AddNodeAsync()
    {
        var node = await ServerProcess.StartAsync(ServerProcess.FreePort(), _environment);
        _nodes = [.. _nodes, node];
        _clients = [.. _clients, Client(node.BaseUrl)];
        return _nodes.Length - 1;
    }

    /// <summary>SIGSTOP on node <paramref name="i"/>.</summary>
    public void Freeze(int i) => _nodes[i]!.Freeze();

    /// <summary>SIGCONT on node <paramref name="i"/>.</summary>
    public void Thaw(int i) => _nodes[i]!.Thaw();

    public void Kill(int i)
    {
        _nodes[i]!.Kill();
        _nodes[i] = null;
    }

    public async Task<string> CreateAppAsync()
    {
        using var response = await _clients[0].PostAsync("/api/v1/app", HeraldHost.Json(new { name = "Cluster shop" }));
        return (await HeraldHost.ReadAsync(response, 201))["id"]!.GetValue<string>();
    }

    public async Task CreateEndpointAsync(string app, string url)
    {
        using var response = await _clients[0].PostAsync($"/api/v1/app/{app}/endpoint", HeraldHost.Json(new { url }));
        await HeraldHost.ReadAsync(response, 201);
    }

    /// <summary>Sends <paramref name="count"/> messages from 16 concurrent senders spread over the live nodes; returns the acknowledged ids.</summary>
    public async Task<ConcurrentBag<string>> BurstAsync(string app, int count, Func<int, Task>? afterEach = null, ConcurrentBag<int>? statuses = null)
    {
        var acknowledged = new ConcurrentBag<string>();
        int next = -1;
        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            int n;
            while ((n = Interlocked.Increment(ref next)) < count)
            {
                int node = n % _nodes.Length;
                if (_nodes[node] is null)
                {
                    node = Array.FindIndex(_nodes, x => x is not null);
                }
                try
                {
                    using var response = await _clients[node].PostAsync($"/api/v1/app/{app}/msg", HeraldHost.Json(new { eventType = "payment.succeeded", payload = new { n } }));
                    statuses?.Add((int)response.StatusCode);
                    if ((int)response.StatusCode == 202)
                    {
                        acknowledged.Add(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!.GetValue<string>());
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    statuses?.Add(0);
                }
                if (afterEach is not null)
                {
                    await afterEach(n);
                }
            }
        })));
        return acknowledged;
    }

    private static HttpClient Client(string baseUrl)
    {
        var client = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(20) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HeraldHost.Token);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }
        foreach (var node in _nodes)
        {
            if (node is not null)
            {
                await node.DisposeAsync();
            }
        }
    }
}
