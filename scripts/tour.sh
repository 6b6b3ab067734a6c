#!/usr/bin/env bash
# Herald's five-minute tour (README.md shows this file verbatim). Start Herald first as the README says, then
# paste this into a second terminal or run `bash scripts/tour.sh`. Needs curl and python3.
# Tests run it against a real Herald process on every test run (Herald.Server.Tests, ReadmeTourTests).
HERALD=${HERALD_URL:-http://127.0.0.1:8071}
H="Authorization: Bearer ${HERALD_TOKEN:-tour-token}"
J='Content-Type: application/json'
PORT=${RECEIVER_PORT:-9000}
STARTED=$(date -u +%Y-%m-%dT%H:%M:%SZ)

# field NAME...: one value of the JSON on stdin (`field id`, `field data 0 status`).
field() { python3 -c 'import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1:]: v = v[int(k)] if isinstance(v, list) else v[k]
print(v)' "$@"; }

# receiver: a webhook receiver on 127.0.0.1:$PORT, in the background, that prints the webhook-* headers and the
# body of every delivery and answers 204.
receiver() {
  python3 -u -c 'import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["content-length"]))
        hooks = {k: v for k, v in self.headers.items() if k.lower().startswith("webhook-")}
        sys.stdout.write(f"receiver got {hooks} {body.decode()}\n")  # one write: the line stays whole beside curl output
        self.send_response(204); self.end_headers()
    def log_message(self, *args): pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()' "$PORT" &
  RECEIVER=$!
  for i in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.2; done
}

# attempts MSG: the message's delivery attempts, oldest first ("fail fail success").
attempts() { curl -s "$HERALD/api/v1/app/shop/attempt/msg/$1" -H "$H" |
  python3 -c 'import json, sys; print(" ".join(a["statusText"] for a in reversed(json.load(sys.stdin)["data"])))'; }

# wait_attempts MSG PATTERN: waits (up to a minute) until the attempts match the shell pattern, then prints them.
wait_attempts() {
  for i in $(seq 120); do s=$(attempts "$1"); case "$s" in $2) break ;; esac; sleep 0.5; done
  echo "attempts of $1: $s"
}

# 1. The receiver.
receiver

# 2. An application, an endpoint that sends payment.succeeded to the receiver, and the message that a payment
#    succeeded. PUT creates or updates (the tour can run again); every message gets a new eventId, because Herald
#    answers 409 to an eventId it already has.
curl -s -X PUT "$HERALD/api/v1/app/shop" -H "$H" -H "$J" -d '{"name":"Chocolate shop"}'; echo
ENDPOINT_ID=$(curl -s -X PUT "$HERALD/api/v1/app/shop/endpoint/receiver" -H "$H" -H "$J" \
  -d "{\"url\":\"http://127.0.0.1:$PORT/webhooks\",\"eventTypes\":[\"payment.succeeded\"]}" | field id)
echo "endpoint: $ENDPOINT_ID"
PAYMENT_ID=pay_$(date +%s)
MSG_ID=$(curl -s -X POST "$HERALD/api/v1/app/shop/msg" -H "$H" -H "$J" \
  -d "{\"eventType\":\"payment.succeeded\",\"eventId\":\"$PAYMENT_ID\",\"payload\":{\"orderId\":\"12345\",\"paymentId\":\"$PAYMENT_ID\",\"amount\":2700,\"currency\":\"USD\"}}" | field id)
echo "message: $MSG_ID"
wait_attempts "$MSG_ID" "success"

# 3. What happened, attempt by attempt, and the secret the receiver verifies signatures with.
curl -s "$HERALD/api/v1/app/shop/msg/$MSG_ID" -H "$H"; echo
curl -s "$HERALD/api/v1/app/shop/attempt/msg/$MSG_ID" -H "$H"; echo
echo "signing secret: $(curl -s "$HERALD/api/v1/app/shop/endpoint/$ENDPOINT_ID/secret" -H "$H" | field key)"

# 4. The receiver goes away, and another payment succeeds. Herald tries at once, again after 5 s, then after
#    5 min, 30 min, 2 h, 5 h, 10 h and 10 h (each ±20 %).
kill "$RECEIVER"; wait "$RECEIVER" 2>/dev/null
PAYMENT2_ID=pay_$(date +%s)_2
MSG2_ID=$(curl -s -X POST "$HERALD/api/v1/app/shop/msg" -H "$H" -H "$J" \
  -d "{\"eventType\":\"payment.succeeded\",\"eventId\":\"$PAYMENT2_ID\",\"payload\":{\"orderId\":\"12346\",\"paymentId\":\"$PAYMENT2_ID\",\"amount\":2700,\"currency\":\"USD\"}}" | field id)
echo "message: $MSG2_ID"
wait_attempts "$MSG2_ID" "fail fail"
curl -s "$HERALD/api/v1/app/shop/msg/$MSG2_ID/endpoint" -H "$H"; echo   # pending, with its nextAttempt

# 5. The receiver is back. Rather than wait for the next retry, resend the message to the endpoint now.
receiver
curl -s -X POST "$HERALD/api/v1/app/shop/msg/$MSG2_ID/endpoint/$ENDPOINT_ID/resend" -H "$H"; echo
wait_attempts "$MSG2_ID" "*success"

# 6. Messages Herald gave up on (every retry failed) come back with recover: all of the endpoint's failed
#    messages since a time. (A message still waiting for a retry is resent as in step 5.)
curl -s -X POST "$HERALD/api/v1/app/shop/endpoint/$ENDPOINT_ID/recover" -H "$H" -H "$J" -d "{\"since\":\"$STARTED\"}"; echo
# The CLI does the same: dotnet run --project src/Herald.Cli -- resend --app shop --msg "$MSG2_ID" --endpoint "$ENDPOINT_ID"
#                   and: dotnet run --project src/Herald.Cli -- recover --app shop --endpoint "$ENDPOINT_ID" --since 1h

kill "$RECEIVER"; wait "$RECEIVER" 2>/dev/null
echo "tour done. $MSG_ID: $(attempts "$MSG_ID"); $MSG2_ID: $(attempts "$MSG2_ID")"
