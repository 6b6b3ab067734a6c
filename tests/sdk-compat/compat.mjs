// Drives a Herald server with the official Svix SDK and verifies a delivery with the SDK's Webhook class.
// Usage: node compat.mjs <herald url> <token> <receiver url> <receiver log file>
import { Svix, Webhook } from "svix";
import { readFileSync } from "node:fs";

const [serverUrl, token, receiverUrl, receiverLog] = process.argv.slice(2);
const svix = new Svix(token, { serverUrl });
const checks = [];
const check = (name, ok, detail = "") => {
  checks.push(name);
  if (!ok) throw new Error(`${name} failed ${detail}`);
  console.log(`ok ${name}`);
};
const sleep = ms => new Promise(r => setTimeout(r, ms));

await svix.health.get();
check("health", true);

const app = await svix.application.create({ name: "SDK shop", uid: "sdk-shop", metadata: { plan: "pro" } });
check("application.create", app.id.startsWith("app_") && app.uid === "sdk-shop" && app.createdAt instanceof Date);
check("application.get by uid", (await svix.application.get("sdk-shop")).id === app.id);
check("application.getOrCreate", (await svix.application.getOrCreate({ name: "x", uid: "sdk-shop" })).id === app.id);
check("application.patch", (await svix.application.patch(app.id, { name: "SDK shop 2" })).name === "SDK shop 2");
check("application.update", (await svix.application.update(app.id, { name: "SDK shop 3" })).name === "SDK shop 3");
const apps = await svix.application.list({ limit: 10 });
check("application.list", apps.data.some(a => a.id === app.id) && typeof apps.done === "boolean");

await svix.eventType.create({ name: "payment.succeeded", description: "Paid" });
check("eventType.get", (await svix.eventType.get("payment.succeeded")).description === "Paid");
check("eventType.patch", (await svix.eventType.patch("payment.succeeded", { deprecated: true })).deprecated === true);
check("eventType.list", (await svix.eventType.list()).data.length >= 1);

const ep = await svix.endpoint.create(app.id, { url: receiverUrl, eventTypes: ["payment.succeeded"], uid: "orders" });
check("endpoint.create", ep.id.startsWith("ep_"));
check("endpoint.get by uid", (await svix.endpoint.get(app.id, "orders")).id === ep.id);
check("endpoint.patch", (await svix.endpoint.patch(app.id, ep.id, { description: "orders" })).description === "orders");
check("endpoint.list", (await svix.endpoint.list(app.id)).data.length === 1);
await svix.endpoint.updateHeaders(app.id, ep.id, { headers: { "X-Shop": "lindt" } });
check("endpoint.getHeaders", (await svix.endpoint.getHeaders(app.id, ep.id)).headers["X-Shop"] === "lindt");
const secret = (await svix.endpoint.getSecret(app.id, ep.id)).key;
check("endpoint.getSecret", secret.startsWith("whsec_"));

const msg = await svix.message.create(app.id, { eventType: "payment.succeeded", eventId: "pay_sdk_1", payload: { orderId: "12345", amount: 2700 } });
check("message.create", msg.id.startsWith("msg_") && msg.payload.orderId === "12345");
check("message.get by eventId", (await svix.message.get(app.id, "pay_sdk_1")).id === msg.id);
check("message.list", (await svix.message.list(app.id)).data[0].id === msg.id);

let attempts;
for (let i = 0; i < 100; i++) {
  attempts = await svix.messageAttempt.listByMsg(app.id, msg.id);
  if (attempts.data.length > 0) break;
  await sleep(100);
}
check("messageAttempt.listByMsg", attempts.data.length === 1 && attempts.data[0].responseStatusCode === 200);
check("messageAttempt.get", (await svix.messageAttempt.get(app.id, msg.id, attempts.data[0].id)).id === attempts.data[0].id);
check("messageAttempt.listByEndpoint", (await svix.messageAttempt.listByEndpoint(app.id, ep.id)).data.length === 1);
check("listAttemptedDestinations", (await svix.messageAttempt.listAttemptedDestinations(app.id, msg.id)).data[0].id === ep.id);
check("listAttemptedMessages", (await svix.messageAttempt.listAttemptedMessages(app.id, ep.id)).data[0].id === msg.id);
check("endpoint.getStats", (await svix.endpoint.getStats(app.id, ep.id)).success === 1);

// The delivery Herald made verifies with the SDK's own verifier.
const received = JSON.parse(readFileSync(receiverLog, "utf8").trim().split("\n")[0]);
const verified = new Webhook(secret).verify(received.body, received.headers);
check("Webhook.verify of a Herald delivery", verified.orderId === "12345");

await svix.messageAttempt.resend(app.id, msg.id, ep.id);
check("messageAttempt.resend", true);
const recovered = await svix.endpoint.recover(app.id, ep.id, { since: new Date(Date.now() - 3600_000) });
check("endpoint.recover", recovered.task === "endpoint.recover");
await svix.endpoint.rotateSecret(app.id, ep.id, {});
check("endpoint.rotateSecret", (await svix.endpoint.getSecret(app.id, ep.id)).key !== secret);

try {
  await svix.application.get("app_does_not_exist");
  check("404 surfaces as ApiException", false);
} catch (e) {
  check("404 surfaces as ApiException", e.code === 404, String(e));
}
try {
  await svix.endpoint.create(app.id, { url: "not a url" });
  check("422 surfaces as ApiException", false);
} catch (e) {
  check("422 surfaces as ApiException", e.code === 422, String(e));
}

await svix.endpoint.delete(app.id, ep.id);
await svix.eventType.delete("payment.succeeded");
await svix.application.delete(app.id);
check("deletes", true);
console.log(`all ${checks.length} checks passed`);
