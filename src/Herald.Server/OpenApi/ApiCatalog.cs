namespace Herald.Server.OpenApi;

/// <summary>
/// Every route Herald maps under <c>/api/v1</c>. Kept beside the routes by a test that compares it with the app's
/// endpoint data source, so a route cannot be added without being documented.
/// </summary>
internal static class ApiCatalog
{
    private static readonly string[] Page = ["limit", "iterator", "order"];
    private const string App = "/api/v1/app/{app_id}";
    private const string Endpoint = App + "/endpoint/{endpoint_id}";
    private const string Msg = App + "/msg/{msg_id}";

    public static readonly IReadOnlyList<ApiOperation> Operations =
    [
        new("get", "/api/v1/health", "Health", "Check that the server can store messages now (readiness)") { Status = 204, Public = true },
        new("get", "/api/v1/health/ping", "Health", "Check that the server process answers (liveness)") { Status = 204, Public = true },

        new("get", "/api/v1/app", "Application", "List applications") { Query = Page, Returns = "ListResponse_ApplicationOut" },
        new("post", "/api/v1/app", "Application", "Create an application") { Query = ["get_if_exists"], Body = "ApplicationIn", Status = 201, Returns = "ApplicationOut" },
        new("get", App, "Application", "Get an application") { Returns = "ApplicationOut" },
        new("put", App, "Application", "Update an application, or create it with this uid") { Body = "ApplicationIn", Returns = "ApplicationOut" },
        new("patch", App, "Application", "Change some fields of an application") { Body = "ApplicationIn", Returns = "ApplicationOut" },
        new("delete", App, "Application", "Delete an application") { Status = 204 },

        new("get", "/api/v1/event-type", "Event type", "List event types") { Query = [.. Page, "include_archived", "with_content"], Returns = "ListResponse_EventTypeOut" },
        new("post", "/api/v1/event-type", "Event type", "Create an event type") { Body = "EventTypeIn", Status = 201, Returns = "EventTypeOut" },
        new("get", "/api/v1/event-type/{event_type_name}", "Event type", "Get an event type") { Returns = "EventTypeOut" },
        new("put", "/api/v1/event-type/{event_type_name}", "Event type", "Update an event type, or create it") { Body = "EventTypeIn", Returns = "EventTypeOut" },
        new("patch", "/api/v1/event-type/{event_type_name}", "Event type", "Change some fields of an event type") { Body = "EventTypeIn", Returns = "EventTypeOut" },
        new("delete", "/api/v1/event-type/{event_type_name}", "Event type", "Archive an event type (or expunge it)") { Query = ["expunge"], Status = 204 },

        new("get", App + "/endpoint", "Endpoint", "List an application's endpoints") { Query = Page, Returns = "ListResponse_EndpointOut" },
        new("post", App + "/endpoint", "Endpoint", "Create an endpoint") { Body = "EndpointIn", Status = 201, Returns = "EndpointOut" },
        new("get", Endpoint, "Endpoint", "Get an endpoint") { Returns = "EndpointOut" },
        new("put", Endpoint, "Endpoint", "Update an endpoint, or create it with this uid") { Body = "EndpointIn", Returns = "EndpointOut" },
        new("patch", Endpoint, "Endpoint", "Change some fields of an endpoint") { Body = "EndpointIn", Returns = "EndpointOut" },
        new("delete", Endpoint, "Endpoint", "Delete an endpoint") { Status = 204 },
        new("get", Endpoint + "/stats", "Endpoint", "Count an endpoint's deliveries by status") { Query = ["since", "until"], Returns = "EndpointStatsOut" },
        new("post", Endpoint + "/recover", "Endpoint", "Resend the endpoint's failed messages since a time") { Body = "RecoverIn", Status = 202, Returns = "RecoverOut" },
        new("post", Endpoint + "/replay-missing", "Endpoint", "Resend every message since a time that never reached the endpoint") { Body = "ReplayIn", Status = 202, Returns = "ReplayOut" },
        new("get", Endpoint + "/ordering/blocked", "Endpoint", "List the keys of an ordered endpoint that are not moving, and why") { Returns = "OrderingBlocksOut" },
        new("post", Endpoint + "/ordering/skip", "Endpoint", "Give up on the held heads of an ordered endpoint (one key, or all) so that their keys move on") { Body = "OrderingSkipIn", Returns = "OrderingSkipOut" },
        new("get", Endpoint + "/secret", "Endpoint", "Get the endpoint's signing secret") { Returns = "EndpointSecretOut" },
        new("post", Endpoint + "/secret/rotate", "Endpoint", "Rotate the signing secret (the old one stays valid for a grace period)") { Body = "EndpointSecretRotateIn", Status = 204 },
        new("get", Endpoint + "/headers", "Endpoint", "Get the endpoint's custom headers (sensitive values hidden)") { Returns = "EndpointHeadersOut" },
        new("put", Endpoint + "/headers", "Endpoint", "Replace the endpoint's custom headers") { Body = "EndpointHeadersIn", Status = 204 },
        new("patch", Endpoint + "/headers", "Endpoint", "Set some custom headers, remove others (a null value, or named in deleteHeaders)") { Body = "EndpointHeadersPatchIn", Status = 204 },
        new("post", Endpoint + "/send-example", "Endpoint", "Send an example message of an event type to this endpoint") { Body = "EventExampleIn", Status = 202, Returns = "MessageOut" },
        new("get", Endpoint + "/msg", "Endpoint", "List the messages sent to an endpoint, with their delivery status")
        {
            Query = [.. Page, "status", "channel", "event_types", "before", "after", "with_content"], Returns = "ListResponse_EndpointMessageOut",
        },

        new("post", App + "/msg", "Message", "Send a message (creates the application too when the body names one)") { Query = ["with_content"], Body = "MessageIn", Status = 202, Returns = "MessageOut" },
        new("get", App + "/msg", "Message", "List messages") { Query = [.. Page, "channel", "event_types", "before", "after", "with_content"], Returns = "ListResponse_MessageOut" },
        new("get", Msg, "Message", "Get a message") { Query = ["with_content"], Returns = "MessageOut" },
        new("delete", Msg + "/content", "Message", "Delete a message's payload") { Status = 204 },
        new("get", Msg + "/endpoint", "Message", "List the endpoints a message is delivered to") { Query = Page, Returns = "ListResponse_MessageEndpointOut" },
        new("post", Msg + "/endpoint/{endpoint_id}/resend", "Message", "Resend a message to one endpoint") { Status = 202 },
        new("get", App + "/stream", "Message", "Server-sent events: one `message` event per message accepted after connecting (resumes after Last-Event-ID)")
        {
            Returns = "StreamedMessage", ContentType = "text/event-stream",
        },

        new("get", App + "/attempt/msg/{msg_id}", "Attempt", "List a message's attempts")
        {
            Query = [.. Page, "endpoint_id", "status", "status_code_class", "channel", "event_types", "before", "after", "with_content"], Returns = "ListResponse_MessageAttemptOut",
        },
        new("get", App + "/attempt/endpoint/{endpoint_id}", "Attempt", "List an endpoint's attempts")
        {
            Query = [.. Page, "status", "status_code_class", "channel", "event_types", "before", "after", "with_content"], Returns = "ListResponse_MessageAttemptOut",
        },
        new("get", Msg + "/attempt/{attempt_id}", "Attempt", "Get an attempt") { Returns = "MessageAttemptOut" },
        new("delete", Msg + "/attempt/{attempt_id}/content", "Attempt", "Delete an attempt's response body") { Status = 204 },

        new("post", "/api/v1/auth/app-portal-access/{app_id}", "Portal", "Issue a consumer portal link and token for one application") { Body = "AppPortalAccessIn", Returns = "AppPortalAccessOut" },
        new("post", "/api/v1/auth/dashboard-access/{app_id}", "Portal", "Deprecated name of app-portal-access (Svix SDKs of the 1.x line call it)") { Returns = "AppPortalAccessOut" },
        new("post", "/api/v1/auth/logout", "Portal", "Revoke the portal token used to call it") { Status = 204 },
    ];
}
