using System.Net.Http.Headers;
using Herald.Client;
using Herald.Client.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds <see cref="HeraldClient"/> to an app's services.</summary>
public static class HeraldClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="HeraldClient"/> as a typed client of <c>IHttpClientFactory</c>, with retries where they are
    /// safe (GETs, and POSTs, which always carry an <c>Idempotency-Key</c>). The returned builder adds handlers or
    /// replaces the primary handler.
    /// </summary>
    public static IHttpClientBuilder AddHeraldClient(this IServiceCollection services, Action<HeraldClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return services.AddHeraldClient(services.AddOptions<HeraldClientOptions>().Configure(configure));
    }

    /// <summary>As <see cref="AddHeraldClient(IServiceCollection, Action{HeraldClientOptions})"/>, bound from a configuration section such as <c>Herald:Client</c>.</summary>
    public static IHttpClientBuilder AddHeraldClient(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddHeraldClient(services.AddOptions<HeraldClientOptions>().Bind(configuration));
    }

    private static IHttpClientBuilder AddHeraldClient(this IServiceCollection services, OptionsBuilder<HeraldClientOptions> options)
    {
        options.ValidateDataAnnotations().ValidateOnStart();
        var client = services
            .AddHttpClient<HeraldClient>((sp, http) =>
            {
                var o = sp.GetRequiredService<IOptions<HeraldClientOptions>>().Value;
                http.BaseAddress = o.BaseAddress();
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", o.Token);
                http.DefaultRequestHeaders.UserAgent.Add(HeraldClient.UserAgent);
                // The resilience pipeline bounds each call (TotalTimeout); HttpClient's own 100 s limit would cut it short.
                http.Timeout = Timeout.InfiniteTimeSpan;
            })
            // Connections are recycled by the handler itself, so a HeraldClient may be kept by a singleton (an outbox relay).
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        // Handlers added to the returned builder run inside the pipeline, once per attempt.
        client.AddResilienceHandler("herald", (pipeline, context) =>
            HeraldResilience.Configure(pipeline, context.GetOptions<HeraldClientOptions>()));
        return client;
    }
}
