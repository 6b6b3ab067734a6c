using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Herald.Server.OpenApi;

/// <summary>Builds Herald's OpenAPI 3.1 document from <see cref="ApiCatalog"/> and <see cref="ApiSchemas"/>.</summary>
internal static partial class OpenApiDocument
{
    private static readonly Lazy<JsonObject> Cached = new(Build);

    public static JsonObject Document => Cached.Value;

    private static JsonObject Build()
    {
        var paths = new JsonObject();
        foreach (var op in ApiCatalog.Operations)
        {
            if (paths[op.Path] is not JsonObject item)
            {
                item = new JsonObject();
                paths[op.Path] = item;
            }
            item[op.Method] = Operation(op);
        }
        return new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject
            {
                ["title"] = "Herald API",
                ["version"] = "1",
                ["description"] = "Herald's webhook API, compatible with Svix's /api/v1. Every route but health takes `Authorization: Bearer <admin token>`; "
                    + "a consumer portal token also works for its own application's routes.",
            },
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["schemas"] = ApiSchemas.All(),
                ["securitySchemes"] = new JsonObject { ["bearer"] = new JsonObject { ["type"] = "http", ["scheme"] = "bearer" } },
            },
            ["security"] = new JsonArray(new JsonObject { ["bearer"] = new JsonArray() }),
        };
    }

    private static JsonObject Operation(ApiOperation op)
    {
        var parameters = new JsonArray();
        foreach (Match m in PathParameter().Matches(op.Path))
        {
            parameters.Add(Parameter(m.Groups[1].Value, "path", true));
        }
        foreach (var q in op.Query)
        {
            parameters.Add(Parameter(q, "query", false));
        }
        if (op.Method is "post" or "put" or "patch" or "delete")
        {
            parameters.Add(Parameter("idempotency-key", "header", false));
        }
        var responses = new JsonObject { [op.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = Response(op.Summary, op.Returns, op.ContentType) };
        if (!op.Public)
        {
            responses["401"] = Response("No valid bearer token", "Problem", "application/problem+json");
        }
        if (op.Path.Contains('{', StringComparison.Ordinal))
        {
            responses["404"] = Response("Not found", "Problem", "application/problem+json");
        }
        if (op.Body is not null || op.Query.Count > 0)
        {
            responses["422"] = Response("Invalid input", "ValidationProblem", "application/problem+json");
        }
        var operation = new JsonObject
        {
            ["operationId"] = OperationId(op),
            ["tags"] = new JsonArray(op.Tag),
            ["summary"] = op.Summary,
            ["parameters"] = parameters,
            ["responses"] = responses,
        };
        if (op.Body is not null)
        {
            operation["requestBody"] = new JsonObject
            {
                ["required"] = op.Method is not "post" || op.Body is not ("EndpointSecretRotateIn" or "AppPortalAccessIn"),
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = Ref(op.Body) } },
            };
        }
        if (op.Public)
        {
            operation["security"] = new JsonArray();
        }
        return operation;
    }

    private static JsonObject Parameter(string name, string location, bool required) => new()
    {
        ["name"] = name,
        ["in"] = location,
        ["required"] = required,
        ["schema"] = new JsonObject { ["type"] = name is "limit" or "status" or "status_code_class" ? "integer" : "string" },
    };

    private static JsonObject Response(string description, string? schema, string contentType)
    {
        var response = new JsonObject { ["description"] = description };
        if (schema is not null)
        {
            response["content"] = new JsonObject { [contentType] = new JsonObject { ["schema"] = Ref(schema) } };
        }
        return response;
    }

    private static JsonObject Ref(string schema) => new() { ["$ref"] = "#/components/schemas/" + schema };

    private static string OperationId(ApiOperation op) =>
        op.Method + string.Concat(op.Path["/api/v1".Length..].Split('/', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => s.Trim('{', '}')).Select(s => char.ToUpperInvariant(s[0]) + s[1..]));

    [GeneratedRegex(@"\{([a-z_]+)\}")]
    private static partial Regex PathParameter();
}
