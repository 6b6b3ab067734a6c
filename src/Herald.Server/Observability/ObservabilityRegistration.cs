using Herald.Delivery.Dispatching;
using Herald.Delivery.Sending;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Herald.Server.Observability;

internal static class ObservabilityRegistration
{
    /// <summary>
    /// Metrics (always) and, when an OTLP endpoint is configured through the standard <c>OTEL_EXPORTER_OTLP_*</c>
    /// settings, OpenTelemetry traces and metrics exported over OTLP. Call after the delivery sender is registered.
    /// </summary>
    public static IServiceCollection AddHeraldObservability(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton<HeraldMetrics>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDeliveryObserver, HeraldMetricsObserver>());
        DecorateSender(services);

        if (!string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]) || !string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]))
        {
            services.AddOpenTelemetry()
                .WithTracing(t => t.AddSource(HeraldTelemetry.SourceName, "Microsoft.AspNetCore").AddOtlpExporter())
                .WithMetrics(m => m.AddMeter(HeraldMetrics.MeterName).AddOtlpExporter());
        }
        return services;
    }

    public static IApplicationBuilder UseHeraldObservability(this IApplicationBuilder app) => app.UseMiddleware<IngestTelemetryMiddleware>();

    private static void DecorateSender(IServiceCollection services)
    {
        var existing = services.LastOrDefault(d => d.ServiceType == typeof(IDeliverySender) && !d.IsKeyedService);
        if (existing is not { ImplementationType: { } type })
        {
            return; // a factory or instance registered by a host or test: leave it as it is
        }
        services.Remove(existing);
        services.TryAddSingleton(type);
        services.AddSingleton<IDeliverySender>(sp =>
            new InstrumentedDeliverySender((IDeliverySender)sp.GetRequiredService(type), sp.GetRequiredService<HeraldMetrics>()));
    }
}

/// <summary>Forwards dispatcher outcomes to the shared <see cref="HeraldMetrics"/>.</summary>
internal sealed class HeraldMetricsObserver(HeraldMetrics metrics) : IDeliveryObserver
{
    public void Recorded(IReadOnlyList<(Storage.Queue.DueDelivery Delivery, Storage.Queue.DeliveryResult Result)> outcomes) => metrics.Recorded(outcomes);

    public void EndpointsDisabled(IReadOnlyList<string> endpointIds)
    {
    }

    public void BreakersChanged(IReadOnlyList<Breakers.BreakerUpdate> changes) => metrics.BreakersChanged(changes);
}
