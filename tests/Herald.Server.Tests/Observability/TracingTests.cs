using System.Collections.Concurrent;
using System.Diagnostics;
using Herald.Server.Tests.Infrastructure;
using Herald.Testing;

namespace Herald.Server.Tests.Observability;

public sealed class TracingTests
{
    [Fact]
    public async Task Ingest_and_each_delivery_attempt_are_spans_of_the_Herald_source()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "Herald",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var receiver = await TestReceiver.StartAsync();
        await using var host = await HeraldHost.StartAsync();
        string app = await host.CreateAppAsync();
        var (endpoint, _) = await host.CreateEndpointAsync(app, receiver.Url());
        string msg = await host.SendAsync(app, "order.paid", new { total = 27 });

        await Eventually.WaitAsync(() => stopped.Any(a => a.OperationName == "herald.deliver" && (string?)a.GetTagItem("herald.msg_id") == msg),
            what: "the delivery span");
        var ingest = Assert.Single(stopped, a => a.OperationName == "herald.ingest" && (string?)a.GetTagItem("herald.app_id") == app);
        Assert.Equal(202, ingest.GetTagItem("http.response.status_code"));
        var deliver = Assert.Single(stopped, a => a.OperationName == "herald.deliver" && (string?)a.GetTagItem("herald.msg_id") == msg);
        Assert.Equal(endpoint, deliver.GetTagItem("herald.endpoint_id"));
        Assert.Equal(200, deliver.GetTagItem("http.response.status_code"));
        Assert.Equal(ActivityStatusCode.Ok, deliver.Status);
        Assert.Equal(ActivityKind.Client, deliver.Kind);
    }
}
