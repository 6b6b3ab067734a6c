using System.Collections.Concurrent;
using System.Diagnostics;
using Herald.Server.Tests.Infrastructure;
using Herald.Testing;

namespace Herald.Server.Tests.Security;

/// <summary>Receivers see Herald's trace context only when the operator turns it on.</summary>
public sealed class TraceContextTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Traceparent_reaches_receivers_only_when_configured(bool propagate)
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
        await using var host = await HeraldHost.StartAsync(new() { ["Herald:Delivery:PropagateTraceContext"] = propagate ? "true" : "false" });
        string app = await host.CreateAppAsync();
        await host.CreateEndpointAsync(app, receiver.Url());
        string msg = await host.SendAsync(app, "order.paid", new { total = 27 });
        await receiver.WaitForAsync(1);
        // The delivery ran inside a recorded span, so a propagator would have had a trace to send.
        await Eventually.WaitAsync(() => stopped.Any(a => a.OperationName == "herald.deliver" && (string?)a.GetTagItem("herald.msg_id") == msg), what: "the delivery span");
        var received = Assert.Single(receiver.Received);
        Assert.Equal(propagate, received.Header("traceparent") is not null);
    }
}
