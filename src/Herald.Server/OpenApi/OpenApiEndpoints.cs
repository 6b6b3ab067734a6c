using System.Text.Json;

namespace Herald.Server.OpenApi;

internal static class OpenApiEndpoints
{
    private static readonly Lazy<byte[]> Json = new(() => JsonSerializer.SerializeToUtf8Bytes(OpenApiDocument.Document, OpenApiJsonContext.Default.JsonObject));
    private static readonly Lazy<string> Page = new(() => DocsPage.Render(OpenApiDocument.Document));

    /// <summary><c>GET /openapi.json</c> and the reference page <c>GET /docs</c>, both public like the API's shape itself.</summary>
    public static void MapHeraldOpenApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/openapi.json", () => Results.Bytes(Json.Value, "application/json")).ExcludeFromDescription();
        app.MapGet("/docs", () => Results.Content(Page.Value, "text/html; charset=utf-8")).ExcludeFromDescription();
    }
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(WriteIndented = true)]
[System.Text.Json.Serialization.JsonSerializable(typeof(System.Text.Json.Nodes.JsonObject))]
internal sealed partial class OpenApiJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
