using Herald.Model;
using Endpoint = Herald.Model.Endpoint;
using Herald.Server.Api;

namespace Herald.Server.Changes;

/// <summary>The one set of rules an endpoint or an application must satisfy, whoever changes it.</summary>
internal static class ChangeRules
{
    /// <param name="checkSecret">False when the secret is the stored one (kept as it was accepted).</param>
    public static void Check(Endpoint e, int maxHeaders, bool checkSecret = true) =>
        new Validation()
            .Url("url", e.Url)
            .Name("uid", e.Uid, 256)
            .Text("description", e.Description, Validation.MaxDescription)
            .Plain("description", e.Description, lineBreaks: true)
            .Names("eventTypes", e.EventTypes, 256, 256)
            .Names("channels", e.Channels, 10, 128)
            .Range("throttleRate", e.ThrottleRate, 1, ushort.MaxValue)
            .Metadata("metadata", e.Metadata)
            .Secret("secret", checkSecret ? e.Secret : null)
            .Headers("headers", e.Headers.Select(h => new KeyValuePair<string, string?>(h.Key, h.Value)), maxHeaders)
            .ThrowIfInvalid();

    public static void Check(Application a) =>
        new Validation()
            .Text("name", a.Name, 256)
            .Plain("name", a.Name)
            .Fail(a.Name.Length == 0, "name", "must not be empty")
            .Name("uid", a.Uid, 256)
            .Range("throttleRate", a.ThrottleRate, 1, ushort.MaxValue)
            .Metadata("metadata", a.Metadata)
            .ThrowIfInvalid();
}
