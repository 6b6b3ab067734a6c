using System.Net;
using System.Text;
using Herald.Server.Tests.Infrastructure;
using Herald.Testing;

namespace Herald.Server.Tests.Api;

/// <summary>
/// Control characters, trailing newlines and unusable secrets are refused with a 422 naming the field, on both
/// stores, and nothing is stored; error details never name internal types.
/// </summary>
public sealed class InputHygieneTests
{
    private static async Task<HeraldHost> StartAsync(string store)
    {
        if (store == "sqlite")
        {
            return await HeraldHost.StartAsync();
        }
        string connection = await PostgresServer.CreateDatabaseAsync("hygiene");
        return await HeraldHost.StartAsync(new() { ["Herald:Storage:Provider"] = "postgres", ["Herald:Storage:ConnectionString"] = connection });
    }

    private static async Task<(HttpStatusCode Status, string Body)> PostRawAsync(HeraldHost host, string path, string json)
    {
        using var response = await host.Client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public static TheoryData<string, string, string> Refused() => new()
    {
        { "sqlite", """{"name":"Shop","uid":"shop\u0000"}""", "uid" },
        { "postgres", """{"name":"Shop","uid":"shop\u0000"}""", "uid" },
        { "sqlite", """{"name":"Sh\u0000op"}""", "name" },
        { "postgres", """{"name":"Sh\u0000op"}""", "name" },
        { "sqlite", """{"name":"Shop","uid":"shop\n"}""", "uid" },
        { "postgres", """{"name":"Shop","metadata":{"k":"v\r\nX: y"}}""", "metadata\",\"k" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Applications_with_control_characters_are_refused_and_not_stored(string store, string json, string field)
    {
        await using var host = await StartAsync(store);
        var (status, body) = await PostRawAsync(host, "/api/v1/app", json);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains($"\"{field}\"", body, StringComparison.Ordinal);
        var apps = await host.GetAsync("/api/v1/app");
        Assert.Empty(apps["data"]!.AsArray());
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Endpoint_fields_and_message_payloads_refuse_NUL_with_the_field_named(string store)
    {
        await using var host = await StartAsync(store);
        string app = await host.CreateAppAsync("Shop", "shop");
        foreach (var (json, field) in new[]
        {
            ("""{"url":"https://example.com/hook","description":"a\u0000b"}""", "description"),
            ("""{"url":"https://example.com/hook\u0000"}""", "url"),
            ("""{"url":"https://example.com/hook","headers":{"X-CR":"a\rInjected-CR: yes"}}""", "X-CR"),
            ("""{"url":"https://example.com/hook","eventTypes":["payment.succeeded\n"]}""", "0"),
            ("""{"url":"https://example.com/hook","channels":["eu\t"]}""", "0"),
        })
        {
            var (status, body) = await PostRawAsync(host, $"/api/v1/app/{app}/endpoint", json);
            Assert.True(status == HttpStatusCode.UnprocessableEntity, $"{json}: {(int)status} {body}");
            Assert.Contains($"\"{field}\"", body, StringComparison.Ordinal);
        }
        Assert.Empty((await host.GetAsync($"/api/v1/app/{app}/endpoint"))["data"]!.AsArray());

        var (msgStatus, msgBody) = await PostRawAsync(host, $"/api/v1/app/{app}/msg", """{"eventType":"payment.succeeded","payload":{"note":"a\u0000b"}}""");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, msgStatus);
        Assert.Contains("\"payload\",\"note\"", msgBody, StringComparison.Ordinal);
        // Line breaks and tabs in a payload are data, and stay accepted.
        var (okStatus, _) = await PostRawAsync(host, $"/api/v1/app/{app}/msg", """{"eventType":"payment.succeeded","payload":{"note":"line\nbreak\ttab"}}""");
        Assert.Equal(HttpStatusCode.Accepted, okStatus);
        Assert.Single((await host.GetAsync($"/api/v1/app/{app}/msg"))["data"]!.AsArray());
    }

    [Fact]
    public async Task Descriptions_may_hold_line_breaks()
    {
        await using var host = await HeraldHost.StartAsync();
        var (status, body) = await PostRawAsync(host, "/api/v1/event-type", """{"name":"payment.succeeded","description":"Sent when\na payment succeeds."}""");
        Assert.True(status == HttpStatusCode.Created, body);
    }

    [Theory]
    [InlineData("whsec_" + "!!!!notbase64!!!!!!!!!!!!!!!!!!!!!!!")]
    [InlineData("whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3")]
    [InlineData("whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZjAx")]
    [InlineData("whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNk=")]
    public async Task Secrets_must_decode_to_24_to_64_bytes(string secret)
    {
        // Not base64 at all; 24 bytes of text encoded as 32 characters is fine, so the second is the control case.
        await using var host = await HeraldHost.StartAsync();
        string app = await host.CreateAppAsync("Shop", "shop");
        var (status, body) = await PostRawAsync(host, $"/api/v1/app/{app}/endpoint", $$"""{"url":"https://example.com/hook","secret":"{{secret}}"}""");
        bool valid = Convert.TryFromBase64String(secret[6..], new byte[100], out int length) && length is >= 24 and <= 64;
        Assert.True(valid ? status == HttpStatusCode.Created : status == HttpStatusCode.UnprocessableEntity, $"{secret}: {(int)status} {body}");
        if (!valid)
        {
            Assert.Contains("\"secret\"", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_body_of_the_wrong_shape_is_a_400_that_names_no_internal_type()
    {
        await using var host = await HeraldHost.StartAsync();
        string app = await host.CreateAppAsync("Shop", "shop");
        var (endpoint, _) = await host.CreateEndpointAsync(app, "https://example.com/hook");
        foreach (var (path, json) in new[]
        {
            ($"/api/v1/app/{app}/endpoint/{endpoint}/recover", "[]"),
            ($"/api/v1/app/{app}/endpoint/{endpoint}/recover", """{"since": 5}"""),
            ("/api/v1/app", """{"name": {"nested": true}}"""),
        })
        {
            var (status, body) = await PostRawAsync(host, path, json);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.DoesNotContain("Herald.", body, StringComparison.Ordinal);
            Assert.DoesNotContain("System.", body, StringComparison.Ordinal);
        }
    }
}
