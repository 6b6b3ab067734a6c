using Herald.Receiver.Testing;

// dotnet SenderApp.dll URL SECRET MESSAGE_ID: posts a signed payment.succeeded webhook and prints the status code.
var webhook = SignedWebhook.ForEvent(args[1], "payment.succeeded", new { orderId = "12345" }, args[2]);
using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
using var response = await http.SendAsync(webhook.ToHttpRequest(new Uri(args[0])));
Console.WriteLine((int)response.StatusCode);
