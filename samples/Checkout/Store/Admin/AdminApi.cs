using Checkout.Store.Webhooks;

namespace Checkout.Store.Admin;

internal sealed record BackendStatus(bool Down, int WebhookAttempts, int RefusedAttempts);

/// <summary>The demo's switch: take the backend "down" (webhooks get 503) and bring it back. Loopback only, no auth.</summary>
internal static class AdminApi
{
    public static void MapAdminApi(this WebApplication app)
    {
        app.MapPost("/admin/down", (WebhookGate gate) => Switch(gate, down: true));
        app.MapPost("/admin/up", (WebhookGate gate) => Switch(gate, down: false));
        app.MapGet("/admin/status", (WebhookGate gate) => Status(gate));
    }

    private static BackendStatus Switch(WebhookGate gate, bool down)
    {
        gate.SetDown(down);
        return Status(gate);
    }

    private static BackendStatus Status(WebhookGate gate) => new(gate.IsDown, gate.TotalAttempts, gate.RefusedAttempts);
}
