#!/usr/bin/env python3
"""Checks webhook deliveries with `standardwebhooks` (PyPI), the Standard
Webhooks reference library: reads JSON from stdin (never argv, the
secrets are in it) -- {"secrets": {name: "whsec_..."}, "deliveries":
[{"endpoint": name, "headers": {...}, "body": "..."}]} -- and verifies
every delivery with its endpoint's secret. Exits non-zero naming the first
delivery that does not verify."""
import json
import sys

from standardwebhooks.webhooks import Webhook

data = json.load(sys.stdin)
hooks = {name: Webhook(secret) for name, secret in data["secrets"].items()}
for i, d in enumerate(data["deliveries"]):
    try:
        hooks[d["endpoint"]].verify(d["body"], d["headers"])
    except Exception as e:  # WebhookVerificationError and friends
        sys.exit(f"delivery {i} to {d['endpoint']}: {type(e).__name__}: {e}")
    # A delivery must not verify with another endpoint's secret.
    for other, hook in hooks.items():
        if other != d["endpoint"]:
            try:
                hook.verify(d["body"], d["headers"])
            except Exception:
                continue
            sys.exit(f"delivery {i} verifies with {other}'s secret too")
print(f"{len(data['deliveries'])} deliveries verified")
