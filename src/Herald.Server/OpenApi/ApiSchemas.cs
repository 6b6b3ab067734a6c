using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;
using Herald.Server.Api;
using Herald.Server.Portal;
using Herald.Server.Streaming;

namespace Herald.Server.OpenApi;

/// <summary>JSON Schemas of the API's bodies, exported from the same source-generated contracts that write them.</summary>
internal static class ApiSchemas
{
    private static readonly JsonSchemaExporterOptions Options = new() { TreatNullObliviousAsNonNullable = true };

    private static IEnumerable<(string Name, JsonTypeInfo Type)> Types()
    {
        var api = ApiJsonContext.Default;
        yield return ("ApplicationIn", api.ApplicationIn);
        yield return ("ApplicationOut", api.ApplicationOut);
        yield return ("ListResponse_ApplicationOut", api.ListResponseApplicationOut);
        yield return ("EventTypeIn", api.EventTypeIn);
        yield return ("EventTypeOut", api.EventTypeOut);
        yield return ("ListResponse_EventTypeOut", api.ListResponseEventTypeOut);
        yield return ("EndpointIn", api.EndpointIn);
        yield return ("EndpointOut", api.EndpointOut);
        yield return ("ListResponse_EndpointOut", api.ListResponseEndpointOut);
        yield return ("EndpointSecretOut", api.EndpointSecretOut);
        yield return ("EndpointSecretRotateIn", api.EndpointSecretRotateIn);
        yield return ("EndpointHeadersIn", api.EndpointHeadersIn);
        yield return ("EndpointHeadersPatchIn", api.EndpointHeadersPatchIn);
        yield return ("EndpointHeadersOut", api.EndpointHeadersOut);
        yield return ("EndpointStatsOut", api.EndpointStatsOut);
        yield return ("OrderingBlocksOut", api.OrderingBlocksOut);
        yield return ("OrderingSkipIn", api.OrderingSkipIn);
        yield return ("OrderingSkipOut", api.OrderingSkipOut);
        yield return ("RecoverIn", api.RecoverIn);
        yield return ("RecoverOut", api.RecoverOut);
        yield return ("ReplayIn", api.ReplayIn);
        yield return ("ReplayOut", api.ReplayOut);
        yield return ("EventExampleIn", api.EventExampleIn);
        yield return ("MessageIn", api.MessageIn);
        yield return ("MessageOut", api.MessageOut);
        yield return ("ListResponse_MessageOut", api.ListResponseMessageOut);
        yield return ("MessageEndpointOut", api.MessageEndpointOut);
        yield return ("ListResponse_MessageEndpointOut", api.ListResponseMessageEndpointOut);
        yield return ("EndpointMessageOut", api.EndpointMessageOut);
        yield return ("ListResponse_EndpointMessageOut", api.ListResponseEndpointMessageOut);
        yield return ("MessageAttemptOut", api.MessageAttemptOut);
        yield return ("ListResponse_MessageAttemptOut", api.ListResponseMessageAttemptOut);
        yield return ("Problem", api.Problem);
        yield return ("ValidationProblem", api.ValidationProblem);
        yield return ("AppPortalAccessIn", PortalJsonContext.Default.AppPortalAccessIn);
        yield return ("AppPortalAccessOut", PortalJsonContext.Default.AppPortalAccessOut);
        yield return ("StreamedMessage", StreamJsonContext.Default.StreamedMessage);
    }

    public static JsonObject All()
    {
        var schemas = new JsonObject();
        foreach (var (name, type) in Types())
        {
            var schema = JsonSchemaExporter.GetJsonSchemaAsNode(type, Options);
            Rebase(schema, "#/components/schemas/" + name);
            schemas[name] = schema;
        }
        return schemas;
    }

    /// <summary>The exporter points repeated types at "#/…" within one schema; inside the document that root is the schema's own path.</summary>
    private static void Rebase(JsonNode? node, string root)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj["$ref"] is JsonValue r && r.TryGetValue(out string? target) && target.StartsWith('#'))
                {
                    obj["$ref"] = root + target[1..];
                }
                foreach (var (_, child) in obj.ToList())
                {
                    Rebase(child, root);
                }
                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    Rebase(child, root);
                }
                break;
        }
    }
}
