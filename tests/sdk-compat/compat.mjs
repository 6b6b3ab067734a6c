// Drives a Herald server with one generation of the official Svix JavaScript SDK, as an integrator would, and
// verifies deliveries with the SDK's own Webhook class.
// Usage: node compat.mjs <1|2> <herald url> <token> <receiver url> <receiver log file>
// The receiver log holds one JSON line per webhook request: { path, body, headers }.
import { webcrypto } from "node:crypto";
import { readFileSync, existsSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";

const [generation, serverUrl, token, receiverUrl, receiverLog] = process.argv.slice(2);
if (generation !== "1" && generation !== "2") {
  throw new Error("the first argument is the SDK generation: 1 or 2");
}
const v1 = generation === "1";
// svix 2.x asks for Node.js 22 and uses the global Web Crypto object, which Node.js 18 (Debian's) only has as a module.
globalThis.crypto ??= webcrypto;
const { Svix, Webhook } = await import(v1 ? "svix1" : "svix2");
const sdkVersion = JSON.parse(readFileSync(new URL(`./node_modules/svix${generation}/package.json`, import.meta.url), "utf8")).version;
console.log(`svix ${sdkVersion} (generation ${generation}.x)`);

const svix = new Svix(token, { serverUrl });
const checks = [];
const check = (name, ok, detail = "") => {
  checks.push(name);
  if (!ok) throw new Error(`${name} failed ${detail}`);
  console.log(`ok ${name}`);
};
const sleep = ms => new Promise(r => setTimeout(r, ms));
const received = path => existsSync(receiverLog)
  ? readFileSync(receiverLog, "utf8").split("\n").filter(Boolean).map(l => JSON.parse(l)).filter(r => r.path === path)
  : [];
const eventually = async (what, condition) => {
  for (let i = 0; i < 150; i++) {
    const value = await condition();
    if (value) return value;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
};
// Svix's list models carry iterator and prevIterator, null when there is none: the SDK copies the keys as they come,
// so null (not undefined) shows that the server wrote them.
const emptyPage = (name, page) =>
  check(`${name} (empty page)`, page.data.length === 0 && page.done === true && page.iterator === null && page.prevIterator === null,
    JSON.stringify(page));
// The 1.x models read an endpoint's event types from filterTypes, which Svix servers (and Herald) now write as
// eventTypes only: with 1.x the stored filter is read from the endpoint's JSON as the server wrote it.
const eventTypesOf = async endpoint => {
  if (!v1) return endpoint.eventTypes;
  const response = await fetch(`${serverUrl}/api/v1/app/${app.id}/endpoint/${endpoint.id}`, { headers: { authorization: `Bearer ${token}` } });
  return (await response.json()).eventTypes;
};
// The PUT operations were renamed in 2.x.
const put = v1
  ? { app: "update", eventType: "update", endpoint: "update", headers: "updateHeaders" }
  : { app: "upsert", eventType: "upsert", endpoint: "upsert", headers: "setHeaders" };

await svix.health.get();
check("health", true);

// Every list on an empty page, on a fresh server.
emptyPage("application.list", await svix.application.list());
emptyPage("eventType.list", await svix.eventType.list());
const bare = await svix.application.create({ name: "No endpoints" });
check("application.create writes null uid and throttleRate", bare.uid === null && bare.throttleRate === null, JSON.stringify(bare));
emptyPage("endpoint.list", await svix.endpoint.list(bare.id));
emptyPage("message.list", await svix.message.list(bare.id));
const lonely = await svix.message.create(bare.id, { eventType: "nobody.listens", payload: { n: 1 } });
check("message.create writes null eventId and channels", lonely.eventId === null && lonely.channels === null, JSON.stringify(lonely));
emptyPage("messageAttempt.listByMsg", await svix.messageAttempt.listByMsg(bare.id, lonely.id));
emptyPage("messageAttempt.listAttemptedDestinations", await svix.messageAttempt.listAttemptedDestinations(bare.id, lonely.id));

// Applications. SDKs of the 1.x line may send the legacy rateLimit for throttleRate.
const app = await svix.application.create(v1
  ? { name: "SDK shop", uid: "sdk-shop", metadata: { plan: "pro" }, rateLimit: 500 }
  : { name: "SDK shop", uid: "sdk-shop", metadata: { plan: "pro" }, throttleRate: 500 });
check(`application.create${v1 ? " (rateLimit alias)" : ""}`, app.id.startsWith("app_") && app.uid === "sdk-shop" && app.createdAt instanceof Date && app.throttleRate === 500,
  JSON.stringify(app));
check("application.get by uid", (await svix.application.get("sdk-shop")).id === app.id);
check("application.getOrCreate", (await svix.application.getOrCreate({ name: "x", uid: "sdk-shop" })).id === app.id);
check("application.patch", (await svix.application.patch(app.id, { name: "SDK shop 2" })).name === "SDK shop 2");
check(`application.${put.app}`, (await svix.application[put.app](app.id, { name: "SDK shop 3", uid: "sdk-shop", throttleRate: 500 })).name === "SDK shop 3");
const apps = await svix.application.list({ limit: 10 });
check("application.list", apps.data.some(a => a.id === app.id) && apps.done === true && apps.iterator !== undefined);

await svix.eventType.create({ name: "payment.succeeded", description: "Paid" });
await svix.eventType.create({ name: "order.created", description: "Ordered" });
check("eventType.get", (await svix.eventType.get("payment.succeeded")).description === "Paid");
check("eventType.patch", (await svix.eventType.patch("payment.succeeded", { deprecated: true })).deprecated === true);
check(`eventType.${put.eventType}`, (await svix.eventType[put.eventType]("order.created", { description: "Ordered!" })).description === "Ordered!");
check("eventType.list", (await svix.eventType.list()).data.length === 2);

// Endpoints. 1.x: the legacy filterTypes and rateLimit names, which Herald must honour, not drop.
const ordersUrl = `${receiverUrl}/orders`;
const ep = await svix.endpoint.create(app.id, v1
  ? { url: ordersUrl, filterTypes: ["payment.succeeded"], rateLimit: 100, uid: "orders" }
  : { url: ordersUrl, eventTypes: ["payment.succeeded"], throttleRate: 100, uid: "orders" });
check(`endpoint.create${v1 ? " (filterTypes and rateLimit aliases)" : ""}`,
  ep.id.startsWith("ep_") && isDeepStrictEqual(await eventTypesOf(ep), ["payment.succeeded"]) && ep.throttleRate === 100 && ep.channels === null, JSON.stringify(ep));
check("endpoint.get by uid", (await svix.endpoint.get(app.id, "orders")).id === ep.id);
check("endpoint.patch", (await svix.endpoint.patch(app.id, ep.id, { description: "orders" })).description === "orders");
check("endpoint.list", (await svix.endpoint.list(app.id)).data.length === 1);
emptyPage("messageAttempt.listByEndpoint", await svix.messageAttempt.listByEndpoint(app.id, ep.id));
emptyPage("messageAttempt.listAttemptedMessages", await svix.messageAttempt.listAttemptedMessages(app.id, ep.id));
if (v1) {
  const updated = await svix.endpoint.update(app.id, ep.id, { url: ordersUrl, uid: "orders", filterTypes: ["payment.succeeded", "order.created"], rateLimit: 50 });
  check("endpoint.update (filterTypes and rateLimit aliases)",
    isDeepStrictEqual(await eventTypesOf(updated), ["payment.succeeded", "order.created"]) && updated.throttleRate === 50, JSON.stringify(updated));
  const patched = await svix.endpoint.patch(app.id, ep.id, { filterTypes: ["payment.succeeded"], rateLimit: 100 });
  check("endpoint.patch (filterTypes and rateLimit aliases)",
    isDeepStrictEqual(await eventTypesOf(patched), ["payment.succeeded"]) && patched.throttleRate === 100, JSON.stringify(patched));
  // The 1.x patch model has both throttleRate and rateLimit (but no eventTypes).
  const both = await svix.endpoint.patch(app.id, ep.id, { throttleRate: 100, rateLimit: 7 });
  check("endpoint.patch (throttleRate wins over rateLimit)", both.throttleRate === 100, JSON.stringify(both));
} else {
  const updated = await svix.endpoint.upsert(app.id, ep.id, { url: ordersUrl, uid: "orders", eventTypes: ["payment.succeeded"], throttleRate: 100 });
  check("endpoint.upsert", isDeepStrictEqual(updated.eventTypes, ["payment.succeeded"]) && updated.throttleRate === 100, JSON.stringify(updated));
}

await svix.endpoint[put.headers](app.id, ep.id, { headers: { "X-Shop": "lindt", "X-Drop": "1", "X-Null": "2" } });
check(`endpoint.${put.headers}`, (await svix.endpoint.getHeaders(app.id, ep.id)).headers["X-Drop"] === "1");
await svix.endpoint.patchHeaders(app.id, ep.id, { headers: { "X-Added": "yes", "X-Null": null }, deleteHeaders: ["X-Drop"] });
const headers = (await svix.endpoint.getHeaders(app.id, ep.id)).headers;
check("endpoint.patchHeaders (deleteHeaders, and null deletes)", isDeepStrictEqual(headers, { "X-Shop": "lindt", "X-Added": "yes" }), JSON.stringify(headers));
const secret = (await svix.endpoint.getSecret(app.id, ep.id)).key;
check("endpoint.getSecret", secret.startsWith("whsec_"));

// The endpoint takes payment.succeeded only: the order.created message sent first must never reach it.
const other = await svix.message.create(app.id, { eventType: "order.created", payload: { orderId: "12345" } });
const msg = await svix.message.create(app.id, { eventType: "payment.succeeded", eventId: "pay_sdk_1", payload: { orderId: "12345", amount: 2700 } });
check("message.create", msg.id.startsWith("msg_") && msg.eventId === "pay_sdk_1", JSON.stringify(msg));
const fetched = await svix.message.get(app.id, "pay_sdk_1", { withContent: true });
check("message.get by eventId", fetched.id === msg.id && fetched.payload.orderId === "12345", JSON.stringify(fetched));
check("message.list", (await svix.message.list(app.id)).data[0].id === msg.id);

const attempts = await eventually("the first attempt", async () => {
  const page = await svix.messageAttempt.listByMsg(app.id, msg.id);
  return page.data.length > 0 ? page : null;
});
check("messageAttempt.listByMsg", attempts.data.length === 1 && attempts.data[0].responseStatusCode === 200);
check("messageAttempt.get", (await svix.messageAttempt.get(app.id, msg.id, attempts.data[0].id)).id === attempts.data[0].id);
check("messageAttempt.listByEndpoint", (await svix.messageAttempt.listByEndpoint(app.id, ep.id)).data.length === 1);
check("messageAttempt.listAttemptedDestinations", (await svix.messageAttempt.listAttemptedDestinations(app.id, msg.id)).data[0].id === ep.id);
const attempted = await svix.messageAttempt.listAttemptedMessages(app.id, ep.id);
check("messageAttempt.listAttemptedMessages (filtered by event type)", attempted.data.length === 1 && attempted.data[0].id === msg.id, JSON.stringify(attempted.data));
check("endpoint.getStats", (await svix.endpoint.getStats(app.id, ep.id)).success === 1);

// The delivery Herald made verifies with the SDK's own verifier, and carries the custom headers.
const delivery = received("/orders")[0];
// verify throws on a bad signature; 1.x returns the parsed payload, 2.x nothing.
const verified = new Webhook(secret).verify(delivery.body, delivery.headers) ?? JSON.parse(delivery.body);
check("Webhook.verify of a Herald delivery", verified.orderId === "12345" && delivery.headers["x-shop"] === "lindt" && delivery.headers["x-drop"] === undefined);
let tamperedAccepted = true;
try {
  new Webhook(secret).verify(delivery.body.replace("12345", "12346"), delivery.headers);
} catch {
  tamperedAccepted = false;
}
check("Webhook.verify rejects a changed body", !tamperedAccepted);

// replay-missing: an endpoint added later gets the payment it missed (not the order.created it does not take); the
// endpoint that already has it gets nothing again.
const late = await svix.endpoint.create(app.id, v1
  ? { url: `${receiverUrl}/late`, filterTypes: ["payment.succeeded"] }
  : { url: `${receiverUrl}/late`, eventTypes: ["payment.succeeded"] });
const since = new Date(Date.now() - 3600_000);
const replayedOrders = await svix.endpoint.replayMissing(app.id, ep.id, { since });
const replayed = await svix.endpoint.replayMissing(app.id, late.id, { since });
check("endpoint.replayMissing answers a task", replayed.task === "endpoint.replay" && replayed.id.length > 0 && replayedOrders.task === "endpoint.replay", JSON.stringify(replayed));
const lateDelivery = await eventually("the replayed message at the late endpoint", () => received("/late")[0]);
await sleep(500);
check("endpoint.replayMissing sends what never arrived, once",
  JSON.parse(lateDelivery.body).orderId === "12345" && lateDelivery.headers["webhook-id"] === msg.id && received("/late").length === 1,
  JSON.stringify(received("/late").map(r => r.headers["webhook-id"])));
check("endpoint.replayMissing skips what arrived", received("/orders").length === 1 && (await svix.messageAttempt.listByEndpoint(app.id, ep.id)).data.length === 1);
check("order.created reached no endpoint", (await svix.messageAttempt.listByMsg(app.id, other.id)).data.length === 0);

const example = await svix.endpoint.sendExample(app.id, late.id, { eventType: "order.created" });
const exampleDelivery = await eventually("the example at the late endpoint", () => received("/late").find(r => r.headers["webhook-id"] === example.id));
check("endpoint.sendExample", example.eventType === "order.created" && received("/orders").length === 1 && exampleDelivery !== undefined);
await svix.message.expungeContent(app.id, other.id);
const expunged = await svix.message.get(app.id, other.id, { withContent: true });
check("message.expungeContent", Object.keys(expunged.payload).length === 0, JSON.stringify(expunged));
const answered = (await svix.messageAttempt.get(app.id, msg.id, attempts.data[0].id)).response;
await svix.messageAttempt.expungeContent(app.id, msg.id, attempts.data[0].id);
const expungedAttempt = await svix.messageAttempt.get(app.id, msg.id, attempts.data[0].id);
check("messageAttempt.expungeContent", answered === "ok" && expungedAttempt.response === "", JSON.stringify(expungedAttempt));

// Portal links, under the current name and (1.x) the deprecated one.
const portal = await svix.authentication.appPortalAccess(app.id, {});
check("authentication.appPortalAccess", portal.url.includes("/portal/login") && portal.token.length > 0);
if (v1) {
  const dashboard = await svix.authentication.dashboardAccess(app.id);
  check("authentication.dashboardAccess", dashboard.url.includes("/portal/login") && dashboard.token.length > 0 && dashboard.token !== portal.token, JSON.stringify(dashboard));
}

const asPortal = new Svix(portal.token, { serverUrl });
check("a portal token reads its application", (await asPortal.endpoint.list(app.id)).data.length === 2);
await asPortal.authentication.logout();
try {
  await asPortal.endpoint.list(app.id);
  check("authentication.logout", false);
} catch (e) {
  check("authentication.logout", e.code === 401, String(e));
}

await svix.messageAttempt.resend(app.id, msg.id, ep.id);
await eventually("the resent delivery", () => received("/orders").length === 2);
check("messageAttempt.resend", true);
const recovered = await svix.endpoint.recover(app.id, ep.id, { since });
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
await svix.endpoint.delete(app.id, late.id);
await svix.eventType.delete("payment.succeeded");
await svix.eventType.delete("order.created");
await svix.application.delete(app.id);
await svix.application.delete(bare.id);
check("deletes", true);
console.log(`all ${checks.length} checks passed with svix ${sdkVersion}`);
