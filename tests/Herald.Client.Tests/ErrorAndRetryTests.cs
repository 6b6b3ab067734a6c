using System.Net;
using System.Text.Json;

namespace Herald.Client.Tests;

public sealed class ErrorAndRetryTests
{
    private static readonly JsonElement Payload = JsonSerializer.SerializeToElement(new Dictionary<string, int> { ["amount"] = 27 });

    [Fact]
    public async Task A_422_names_the_fields_and_a_duplicate_is_a_409()
    {
        await using var host = await ClientHost.StartAsync();
        var app = await host.Client.Applications.CreateAsync(new ApplicationIn { Name = "Shop" });
        var invalid = await Assert.ThrowsAsync<HeraldApiException>(() =>
            host.Client.Messages.CreateAsync(app.Id, new MessageIn { EventType = "bad name!", Payload = Payload }));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "validation_error"), (invalid.Status, invalid.Code));
        Assert.Contains(invalid.Errors, e => e.Field == "eventType" && e.Location[0] == "body");

        await host.Client.Messages.CreateAsync(app.Id, new MessageIn { EventType = "payment.succeeded", EventId = "pay_1", Payload = Payload });
        var duplicate = await Assert.ThrowsAsync<HeraldApiException>(() =>
            host.Client.Messages.CreateAsync(app.Id, new MessageIn { EventType = "payment.succeeded", EventId = "pay_1", Payload = Payload }));
        Assert.Equal((HttpStatusCode.Conflict, "conflict"), (duplicate.Status, duplicate.Code));
        Assert.Contains("pay_1", duplicate.Detail);
    }

    [Fact]
    public async Task A_create_whose_answer_is_lost_is_retried_with_the_same_key_and_makes_one_message()
    {
        var dropper = new DropFirstAnswer(HttpMethod.Post, "/msg");
        await using var host = await ClientHost.StartAsync(() => dropper);
        var app = await host.Client.Applications.CreateAsync(new ApplicationIn { Name = "Shop" });

        var message = await host.Client.Messages.CreateAsync(app.Id, new MessageIn { EventType = "payment.succeeded", Payload = Payload });

        Assert.Equal(2, dropper.Keys.Count);
        Assert.Equal(dropper.Keys[0], dropper.Keys[1]);
        Assert.Equal([message.Id], await host.Client.Messages.ListAsync(app.Id).Select(m => m.Id).ToListAsync());
    }

    [Fact]
    public async Task The_callers_key_makes_a_repeated_call_answer_with_the_first_message()
    {
        await using var host = await ClientHost.StartAsync();
        var app = await host.Client.Applications.CreateAsync(new ApplicationIn { Name = "Shop" });
        var input = new MessageIn { EventType = "payment.succeeded", Payload = Payload };
        var first = await host.Client.Messages.CreateAsync(app.Id, input, "outbox-row-42");
        var second = await host.Client.Messages.CreateAsync(app.Id, input, "outbox-row-42");
        Assert.Equal(first.Id, second.Id);
        Assert.Single(await host.Client.Messages.ListAsync(app.Id).ToListAsync());
    }

    [Fact]
    public async Task A_get_is_retried_after_a_503_but_a_404_and_a_put_are_not()
    {
        var failing = new AnswerFirst(HttpStatusCode.ServiceUnavailable);
        await using var host = await ClientHost.StartAsync(() => failing);
        failing.Remaining = 1;
        await host.Client.Applications.ListAsync().ToListAsync();
        Assert.Equal(2, failing.Sent);

        failing.Sent = 0;
        await Assert.ThrowsAsync<HeraldApiException>(() => host.Client.Applications.GetAsync("missing"));
        Assert.Equal(1, failing.Sent);

        failing.Sent = 0;
        failing.Remaining = 1;
        var refused = await Assert.ThrowsAsync<HeraldApiException>(() => host.Client.Applications.UpdateAsync("shop", new ApplicationIn { Name = "Shop" }));
        Assert.Equal((HttpStatusCode.ServiceUnavailable, 1), (refused.Status, failing.Sent));
    }

    /// <summary>Lets the server act on the first matching request, then throws its answer away as a broken connection would.</summary>
    private sealed class DropFirstAnswer(HttpMethod method, string pathEnd) : DelegatingHandler
    {
        public List<string> Keys { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (request.Method == method && request.RequestUri!.AbsolutePath.EndsWith(pathEnd, StringComparison.Ordinal))
            {
                Keys.Add(request.Headers.GetValues("Idempotency-Key").Single());
                if (Keys.Count == 1)
                {
                    Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                    response.Dispose();
                    throw new HttpRequestException("The connection was reset after the server answered.");
                }
            }
            return response;
        }
    }

    /// <summary>Answers the next <see cref="Remaining"/> requests itself with a status, without reaching the server.</summary>
    private sealed class AnswerFirst(HttpStatusCode status) : DelegatingHandler
    {
        public int Remaining { get; set; }

        public int Sent { get; set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Sent++;
            if (Remaining > 0)
            {
                Remaining--;
                return Task.FromResult(new HttpResponseMessage(status) { RequestMessage = request });
            }
            return base.SendAsync(request, cancellationToken);
        }
    }
}
