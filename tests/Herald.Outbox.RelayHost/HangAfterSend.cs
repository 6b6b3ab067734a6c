namespace Herald.Outbox.RelayHost;

/// <summary>Lets the first successful message create through, says so, and never returns it to the relay.</summary>
internal sealed class HangAfterSend : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (request.Method == HttpMethod.Post && response.IsSuccessStatusCode && request.RequestUri!.AbsolutePath.EndsWith("/msg", StringComparison.Ordinal))
        {
            Console.WriteLine("sent " + string.Join("", request.Headers.GetValues("Idempotency-Key")));
            await Task.Delay(Timeout.Infinite, CancellationToken.None);
        }
        return response;
    }
}
