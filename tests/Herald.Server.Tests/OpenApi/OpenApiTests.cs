using System.Net;
using System.Text.Json.Nodes;
using Herald.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;

namespace Herald.Server.Tests.OpenApi;

public sealed class OpenApiTests
{
    [Fact]
    public async Task Document_IsPublicOpenApi3_WithTheMainPathsSchemasAndBearerScheme()
    {
        await using var host = await HeraldHost.StartAsync();
        var doc = await DocumentAsync(host);

        Assert.StartsWith("3.", doc["openapi"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("bearer", doc["components"]!["securitySchemes"]!["bearer"]!["scheme"]!.GetValue<string>());
        var paths = doc["paths"]!.AsObject();
        Assert.NotNull(paths["/api/v1/app"]!["get"]);
        Assert.NotNull(paths["/api/v1/app"]!["post"]);
        var send = paths["/api/v1/app/{app_id}/msg"]!["post"]!;
        Assert.Equal("#/components/schemas/MessageIn", send["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.Equal("#/components/schemas/MessageOut", send["responses"]!["202"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.Contains(send["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "app_id" && p["in"]!.GetValue<string>() == "path");
        var appOut = doc["components"]!["schemas"]!["ApplicationOut"]!["properties"]!.AsObject();
        Assert.True(appOut.ContainsKey("id") && appOut.ContainsKey("name") && appOut.ContainsKey("createdAt"), appOut.ToJsonString());
        Assert.Empty(paths["/api/v1/health"]!["get"]!["security"]!.AsArray());
    }

    [Fact]
    public async Task EveryApiRoute_IsDocumented_AndEveryDocumentedRouteExists()
    {
        await using var host = await HeraldHost.StartAsync();
        var doc = await DocumentAsync(host);
        var documented = doc["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(m => $"{m.Key.ToUpperInvariant()} {p.Key}")).ToHashSet();

        var mapped = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["ANY"]).Select(m => $"{m} {e.RoutePattern.RawText!.TrimEnd('/')}"))
            .ToHashSet();

        Assert.True(mapped.Count > 40, $"only {mapped.Count} routes found");
        Assert.Empty(mapped.Except(documented));
        Assert.Empty(documented.Except(mapped));
    }

    [Fact]
    public async Task EveryReference_PointsIntoTheDocument()
    {
        await using var host = await HeraldHost.StartAsync();
        var doc = await DocumentAsync(host);
        var refs = new List<string>();
        Collect(doc, refs);

        Assert.NotEmpty(refs);
        foreach (var r in refs)
        {
            JsonNode? target = doc;
            foreach (var part in r.TrimStart('#', '/').Split('/'))
            {
                target = target?[part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)];
            }
            Assert.True(target is not null, $"{r} does not resolve");
        }
    }

    [Fact]
    public async Task DocsPage_RendersEveryPathWithoutExternalFiles()
    {
        await using var host = await HeraldHost.StartAsync();
        var doc = await DocumentAsync(host);
        using var anonymous = new HttpClient { BaseAddress = host.Client.BaseAddress };

        using var response = await anonymous.GetAsync("/docs");
        string html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        foreach (var (path, _) in doc["paths"]!.AsObject())
        {
            Assert.Contains($"<code>{path}</code>", html, StringComparison.Ordinal);
        }
        Assert.Contains("id=\"schema-MessageIn\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=\"http", html, StringComparison.OrdinalIgnoreCase);
    }

    private static async Task<JsonObject> DocumentAsync(HeraldHost host)
    {
        using var anonymous = new HttpClient { BaseAddress = host.Client.BaseAddress };
        using var response = await anonymous.GetAsync("/openapi.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    private static void Collect(JsonNode? node, List<string> refs)
    {
        if (node is JsonObject obj)
        {
            foreach (var (key, value) in obj)
            {
                if (key == "$ref" && value is JsonValue v && v.TryGetValue(out string? r))
                {
                    refs.Add(r);
                }
                else
                {
                    Collect(value, refs);
                }
            }
        }
        else if (node is JsonArray array)
        {
            foreach (var item in array)
            {
                Collect(item, refs);
            }
        }
    }
}
