"""The official PagerDuty client (https only) against Warroom on loopback TLS with a test-trusted certificate."""

from __future__ import annotations

import ssl

import pagerduty
import trustme

from test_intake_support import integration, make_service, serving


def test_the_official_pagerduty_client_triggers_and_gets_the_dedup_key_back(app, alice_api, make_ctx, tmp_path):
    key = integration(alice_api, make_service(make_ctx, "Carrier Label API", tier=2), "pagerduty")["key"]
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    cert_file, key_file, ca_file = tmp_path / "cert.pem", tmp_path / "key.pem", tmp_path / "ca.pem"
    cert.cert_chain_pems[0].write_to_path(str(cert_file))
    cert.private_key_pem.write_to_path(str(key_file))
    ca.cert_pem.write_to_path(str(ca_file))

    with serving(app, ssl_certfile=str(cert_file), ssl_keyfile=str(key_file)) as port:
        trusted = ssl.create_default_context(cafile=str(ca_file))
        client = pagerduty.EventsApiV2Client(key, base_url=f"https://127.0.0.1:{port}", verify=trusted)
        dedup = client.trigger("Labels fail for DHL", "labels-eu-1", dedup_key="dhl-labels", severity="error")
        generated = client.trigger("Labels slow", "labels-eu-2")
        acknowledged = client.acknowledge("dhl-labels")

    assert dedup == "dhl-labels"
    assert acknowledged == "dhl-labels"
    assert len(generated) == 32
    alerts = {a["fingerprint"]: a for a in alice_api.get("/api/v1/alerts").json()["items"]}
    assert alerts["dhl-labels"]["title"] == "Labels fail for DHL"
    assert alerts["dhl-labels"]["acknowledged_at"] is not None
    assert alerts[generated]["severity"] == "critical"
