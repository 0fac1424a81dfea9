"""The playground server's JSON API and its security (issues 21 and 22).

The server runs in a thread on a free port of 127.0.0.1; requests go through
http.client so the Host, Origin and Cookie headers are exactly what each test says.
"""

import http.client
import json
import math
import os
import signal
import subprocess
import sys
import threading
import urllib.request

import numpy as np
import pytest

import glassnet as gn
from glassnet.cli.playground import LIMITS, PlaygroundServer


@pytest.fixture
def server():
    server = PlaygroundServer(port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


class Client:
    def __init__(self, server, token=True, host=None, origin=True):
        self.server = server
        self.host = host or f"127.0.0.1:{server.port}"
        self.cookie = f"{server.cookie}={server.token}" if token else None
        self.origin = f"http://127.0.0.1:{server.port}" if origin is True else origin

    def request(self, method, path, body=None, raw=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        sent = {"Host": self.host, **(headers or {})}
        if self.cookie:
            sent["Cookie"] = self.cookie
        if self.origin and method == "POST":
            sent["Origin"] = self.origin
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        if method == "POST":
            sent["Content-Type"] = "application/json"
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for key, value in sent.items():
            connection.putheader(key, value)
        if data is not None or method == "POST":
            connection.putheader("Content-Length", str(len(data or b"")))
        connection.endheaders(data)
        response = connection.getresponse()
        content = response.read()
        connection.close()
        return response, content

    def json(self, method, path, body=None):
        response, content = self.request(method, path, body)
        return response.status, json.loads(content)

    def session(self):
        status, answer = self.json("POST", "/api/session", {})
        assert status == 200, answer
        return answer["session"]

    def post(self, action, session, **body):
        return self.json("POST", f"/api/{action}", {"session": session, **body})


def test_binds_to_127_0_0_1_only(server):
    assert server.server_address[0] == "127.0.0.1"
    assert server.url == f"http://127.0.0.1:{server.port}/?token={server.token}"
    assert len(server.token) >= 40  # 32 random bytes, url-safe


def test_lecture_weights_give_the_lectures_accuracies(server):
    client = Client(server)
    s = client.session()
    # The lecture's slides: w1=3, w2=-2, w_bias=-1 puts all 12 points right; 0.75, -0.5, 1
    # gets 9 of 12. Checked here by hand in NumPy: class 1 when z > 0 (sign activation).
    x, y = gn.datasets.lecture_groups()
    for w1, w2, wb in [(3, -2, -1), (0.75, -0.5, 1)]:
        expected = np.mean(((x @ [w1, w2] + wb) > 0).astype(int) == y)
        status, state = client.post("perceptron", s, w1=w1, w2=w2, w_bias=wb)
        assert status == 200
        assert state["accuracy"] == expected
        assert state["correct"] == round(expected * 12) and state["total"] == 12
        assert state["baseline"] == 0.5
    assert (expected, state["scope"]) == (0.75, "all points")
    # The 3 points the lecture's weights get wrong are the ones the page marks.
    wrong = np.flatnonzero(((x @ [0.75, -0.5] + 1) > 0).astype(int) != y)
    assert np.flatnonzero(np.array(state["predicted"]) != y).tolist() == wrong.tolist()
    assert len(wrong) == 3


def test_token_is_set_once_as_a_strict_http_only_cookie(server):
    client = Client(server, token=False)
    response, _ = client.request("GET", f"/?token={server.token}")
    assert response.status == 303 and response.getheader("Location") == "/"
    cookie = response.getheader("Set-Cookie")
    assert cookie.startswith(f"{server.cookie}={server.token};")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    response, _ = client.request("GET", "/?token=wrong")
    assert response.status == 403


@pytest.mark.parametrize(
    "client_options",
    [
        {"token": False},
        {"host": "evil.example:{port}"},
        {"host": "127.0.0.1:1"},
        {"origin": "http://evil.example"},
        {"origin": None},
    ],
)
def test_requests_without_token_or_from_elsewhere_are_forbidden(server, client_options):
    options = {
        k: (v.format(port=server.port) if isinstance(v, str) else v)
        for k, v in client_options.items()
    }
    client = Client(server, **options)
    status, answer = client.json("POST", "/api/session", {})
    assert status == 403 and answer["error"].startswith("forbidden")
    if "origin" not in options:  # GETs need no Origin, but the token and the Host
        response, _ = client.request("GET", "/api/limits")
        assert response.status == 403
    assert server.sessions == {}
    assert Client(server).session()  # still serving


def test_cross_site_fetch_metadata_is_forbidden(server):
    response, _ = Client(server).request(
        "GET", "/api/limits", headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert response.status == 403


@pytest.mark.parametrize(
    ("action", "body", "words"),
    [
        ("load", {"preset": "nope"}, ["preset", "lecture"]),
        ("load", {"csv": "x1,x2,label\n1,2\n3,4,b\n"}, ["row 2", "fields"]),
        ("load", {"csv": "x1,x2,label\n1,two,a\n3,4,b\n"}, ["row 2", "'two'"]),
        ("load", {"csv": "x1,x2\n"}, ["header row"]),
        ("load", {"csv": 7}, ["csv", "string"]),
        ("load", {"preset": "circles", "n_samples": 10**6}, ["n_samples", "2000"]),
        ("network", {"layers": [{"units": 99}]}, ["units", "32"]),
        ("network", {"layers": [{"units": 2}] * 7}, ["layers", "at most 6"]),
        ("network", {"epochs": 10**9}, ["epochs", "2000"]),
        ("network", {"learning_rate": -0.1}, ["learning_rate", "got -0.1"]),
        (
            "network",
            {"activation": "x", "layers": [{"units": 2, "activation": "evil"}]},
            ["activation"],
        ),
        ("perceptron", {"learning_rate": 0}, ["learning_rate"]),
        ("perceptron", {"w1": "3"}, ["w1", "number"]),
        ("mode", {"mode": "../../etc/passwd"}, ["mode", "perceptron"]),
    ],
)
def test_bad_values_get_a_400_naming_them_and_the_server_keeps_serving(server, action, body, words):
    client = Client(server)
    s = client.session()
    if action == "network":
        assert client.post("mode", s, mode="network")[0] == 200
    status, answer = client.post(action, s, **body)
    assert status == 400, answer
    for word in words:
        assert word in answer["error"], answer
    status, state = client.json("GET", f"/api/state?session={s}")
    assert status == 200 and state["data"]["source"] == "lecture"


def test_malformed_and_deeply_nested_json_is_a_400(server):
    client = Client(server)
    for raw in [b"{nope", b"[" * 100000 + b"]" * 100000, b'"text"', b"\xff\xfe"]:
        response, content = client.request("POST", "/api/load", raw=raw)
        assert response.status == 400 and b"JSON object" in content
    assert client.session()


def test_nan_learning_rate_is_a_400(server):
    client = Client(server)
    s = client.session()
    # json.dumps writes NaN, which Python's json reads back as float("nan").
    status, answer = client.post("perceptron", s, learning_rate=math.nan)
    assert status == 400 and "learning_rate" in answer["error"] and "finite" in answer["error"]


def test_oversize_body_is_refused_before_it_is_read(server):
    client = Client(server)
    response, content = client.request(
        "POST", "/api/load", headers={"Content-Length": str(LIMITS["max_body_bytes"] + 1)}, raw=b""
    )
    assert response.status == 413 and b"10 MB" in content
    assert Client(server).session()


def test_a_csv_with_a_million_columns_is_a_400_naming_the_limit(server):
    client = Client(server)
    s = client.session()
    header = ",".join(f"c{i}" for i in range(10**6))
    status, answer = client.post("load", s, csv=header + "\n" + ",".join(["1"] * 10**6) + "\n")
    assert status == 400 and "at most 50 columns" in answer["error"], answer


def test_class_names_are_data_and_come_back_unchanged(server):
    client = Client(server)
    s = client.session()
    evil = "<script>alert(1)</script>"
    text = f"x1,x2,label\n0,0,{evil}\n1,1,{evil}\n5,5,ok\n6,6,ok\n"
    status, state = client.post("load", s, csv=text)
    assert status == 200
    assert state["data"]["names"] == [evil, "ok"]
    response, _content = client.request("GET", f"/api/state?session={s}")
    assert response.getheader("Content-Type").startswith("application/json")
    assert response.getheader("X-Content-Type-Options") == "nosniff"


@pytest.mark.parametrize(
    "path",
    ["/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/static/../../etc/passwd", "/index.html"],
)
def test_paths_never_reach_the_file_system(server, path, monkeypatch):
    opened = []
    real_open = open
    monkeypatch.setattr("builtins.open", lambda *a, **k: opened.append(a) or real_open(*a, **k))
    response, content = Client(server).request("GET", path)
    assert response.status == 404 and b"root:" not in content
    assert opened == []


def test_page_and_api_carry_the_security_headers(server):
    client = Client(server)
    for path in ["/", "/playground.js", "/api/limits"]:
        response, _ = client.request("GET", path)
        assert response.status == 200, path
        csp = response.getheader("Content-Security-Policy")
        assert "default-src 'self'" in csp and "script-src 'self';" in csp
        assert "unsafe-inline" not in csp and "http" not in csp
        assert response.getheader("X-Content-Type-Options") == "nosniff"
        assert response.getheader("Cache-Control") == "no-store"


def test_two_clients_train_without_disturbing_each_other(server):
    first, second = Client(server), Client(server)
    a, b = first.session(), second.session()
    assert first.post("load", a, preset="circles", n_samples=200, noise=0.05, seed=0)[0] == 200
    assert first.post("mode", a, mode="network")[0] == 200
    spec = {"layers": [{"units": 6, "activation": "tanh"}] * 2, "learning_rate": 0.05, "epochs": 40}
    assert first.post("network", a, **spec)[0] == 200
    for _ in range(5):
        state = first.post("step", a)[1]
    assert state["epoch"] == 5
    # The second tab changes everything it can, and the first's run is untouched.
    assert second.post("load", b, preset="spiral", classes=3)[0] == 200
    assert second.post("mode", b, mode="network")[0] == 200
    assert second.post("step", b)[0] == 200
    _status, state = first.post("step", a)
    assert state["epoch"] == 6 and state["data"]["source"] == "circles"
    assert len(state["history"]["loss"]) == 6 and set(state["data"]["y"]) == {0, 1}


def test_training_runs_in_the_background_and_can_always_be_stopped(server):
    client = Client(server)
    s = client.session()
    client.post("load", s, preset="circles", n_samples=200, noise=0.05, seed=0)
    client.post("mode", s, mode="network")
    client.post(
        "network",
        s,
        layers=[{"units": 8, "activation": "tanh"}] * 2,
        learning_rate=0.05,
        epochs=2000,
    )
    status, state = client.post("start", s)
    assert status == 200 and state["running"]
    session = server.session(s)
    session.thread.join(timeout=0.5)
    status, state = client.post("pause", s)
    assert status == 200 and not state["running"] and state["epoch"] >= 1
    assert server.trainings.running == 0


def test_concurrent_trainings_are_capped(server):
    client = Client(server)
    sessions = [client.session() for _ in range(LIMITS["max_trainings"] + 1)]
    for s in sessions:
        client.post("load", s, preset="moons")
        client.post("mode", s, mode="network")
        client.post("network", s, epochs=2000)
    for s in sessions[:-1]:
        assert client.post("start", s)[0] == 200
    status, answer = client.post("start", sessions[-1])
    assert status == 429 and f"at most {LIMITS['max_trainings']} trainings" in answer["error"]
    for s in sessions[:-1]:
        client.post("pause", s)
    assert client.post("start", sessions[-1])[0] == 200
    client.post("pause", sessions[-1])


def test_unknown_session_is_a_clear_404(server):
    status, answer = Client(server).post("step", "nope")
    assert status == 404 and "session" in answer["error"]


def test_explain_a_hidden_unit_with_its_real_numbers(server):
    client = Client(server)
    s = client.session()
    client.post("load", s, preset="blobs", n_samples=40, seed=1)
    client.post("mode", s, mode="network")
    client.post("network", s, layers=[{"units": 3, "activation": "relu"}], seed=5)
    status, out = client.post("explain", s, point=2, layer=1, unit=2)
    assert status == 200
    state = client.json("GET", f"/api/state?session={s}")[1]
    x = np.array(state["data"]["x"][2])
    model = server.session(s).model
    kernel, bias = model.get_weights()[:2]
    z = float(x @ kernel[:, 1] + bias[1])  # by hand
    assert out["z"] == pytest.approx(z, rel=1e-5) and out["a"] == pytest.approx(max(z, 0), abs=1e-6)
    status, out = client.post("explain", s, kind="weight", point=2, layer=1, source=1, unit=2)
    assert status == 200 and out["chain_rule"] == pytest.approx(out["finite_difference"], abs=1e-6)


def test_perceptron_step_is_one_epoch_of_the_lectures_rule(server):
    client = Client(server)
    s = client.session()
    client.post("perceptron", s, w1=0.75, w2=-0.5, w_bias=1, learning_rate=0.1)
    status, state = client.post("step", s)
    assert status == 200 and state["epoch"] == 1
    # The rule by hand, point by point in order: w += lr (t - p) x, p = 1 when z > 0.
    x, y = gn.datasets.lecture_groups()
    w, wb = np.array([0.75, -0.5]), 1.0
    for xi, t in zip(x, y, strict=True):
        p = float(xi @ w + wb > 0)
        w, wb = w + 0.1 * (t - p) * xi, wb + 0.1 * (t - p)
    got = state["perceptron"]
    assert [got["w1"], got["w2"], got["w_bias"]] == pytest.approx([w[0], w[1], wb])
    assert state["perceptron"]["updates"][0].startswith("point ")


def test_downloads_are_made_from_the_session(server, tmp_path):
    client = Client(server)
    s = client.session()
    client.post("load", s, preset="moons", n_samples=60, seed=3)
    client.post("mode", s, mode="network")
    spec = {"layers": [{"units": 5, "activation": "relu"}], "epochs": 3, "seed": 11}
    client.post("network", s, **spec)
    client.post("step", s)
    response, content = client.request("GET", f"/api/download/csv?session={s}")
    assert response.status == 200
    assert response.getheader("Content-Disposition") == 'attachment; filename="playground-data.csv"'
    from glassnet.cli.playground._data import parse_csv

    session = server.session(s)
    back = parse_csv(content.decode())
    np.testing.assert_array_equal(back.x, session.data.x)
    np.testing.assert_array_equal(back.y, session.data.y)

    response, content = client.request("GET", f"/api/download/model?session={s}")
    assert response.status == 200
    path = tmp_path / "model.glassnet"
    path.write_bytes(content)
    loaded = gn.saving.load_model(path)
    np.testing.assert_allclose(
        loaded.predict(session.data.x, verbose=0), session.model.predict(session.data.x, verbose=0)
    )

    response, content = client.request("GET", f"/api/download/python?session={s}")
    assert response.status == 200
    namespace = {}
    exec(compile(content.decode(), "playground_run.py", "exec"), namespace)
    # Same seed, same initial weights: the script's equal a fresh build of the session's spec.
    from glassnet.cli.playground._network import build

    for ours, theirs in zip(
        build(session.spec).get_weights(), namespace["initial_weights"], strict=True
    ):
        np.testing.assert_array_equal(ours, theirs)
    assert len(namespace["history"].history["loss"]) == 3


def test_event_stream_sends_the_state_and_refuses_other_origins(server):
    client = Client(server)
    s = client.session()
    response, _ = client.request(
        "GET", f"/api/events?session={s}", headers={"Origin": "http://evil.example"}
    )
    assert response.status == 403
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.putrequest("GET", f"/api/events?session={s}", skip_host=True)
    connection.putheader("Host", f"localhost:{server.port}")
    connection.putheader("Cookie", client.cookie)
    connection.endheaders()
    response = connection.getresponse()
    assert response.status == 200 and response.getheader("Content-Type") == "text/event-stream"
    line = response.fp.readline()
    assert line.startswith(b"data: ")
    assert json.loads(line[6:])["data"]["source"] == "lecture"
    connection.close()


def test_points_are_added_and_removed(server):
    client = Client(server)
    s = client.session()
    status, state = client.post("add-point", s, x1=1.5, x2=1.0, label=1)
    assert status == 200 and len(state["data"]["y"]) == 13 and state["data"]["x"][-1] == [1.5, 1.0]
    status, state = client.post("remove-point", s, index=0)
    assert len(state["data"]["y"]) == 12 and state["data"]["x"][0] == [5.0, 2.0]
    status, answer = client.post("add-point", s, x1=0, x2=0, label=10)
    assert status == 400 and "label" in answer["error"] and "9" in answer["error"]


def test_explain_one_gradient_descent_step(server):
    client = Client(server)
    s = client.session()
    client.post("load", s, preset="blobs", n_samples=40, seed=1)
    client.post("mode", s, mode="network")
    client.post("network", s, layers=[{"units": 3, "activation": "tanh"}], learning_rate=0.5)
    before = [w.copy() for w in server.session(s).model.get_weights()]
    status, out = client.post("explain", s, kind="step", point=0)
    assert status == 200 and out["loss_after"] < out["loss_before"]
    for w, v in zip(before, server.session(s).model.get_weights(), strict=True):
        np.testing.assert_array_equal(w, v)  # explaining changes nothing


def test_sigmoid_mse_output_for_two_classes_only(server):
    client = Client(server)
    s = client.session()
    client.post("load", s, preset="spiral", classes=3)
    client.post("mode", s, mode="network")
    status, answer = client.post("network", s, output="sigmoid_mse")
    assert status == 400 and "two classes" in answer["error"] and "3" in answer["error"]
    client.post("load", s, preset="moons")
    status, state = client.post("network", s, output="sigmoid_mse")
    assert status == 200 and state["network"]["output"] == "sigmoid_mse"
    assert client.post("step", s)[0] == 200


@pytest.mark.parametrize("no_token", [False, True])
def test_the_command_serves_until_stopped(no_token, tmp_path):
    command = [sys.executable, "-m", "glassnet", "playground", "--no-browser"]
    process = subprocess.Popen(
        command + (["--no-token"] if no_token else []),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "BROWSER": "false"},
    )
    try:
        line = process.stdout.readline()
        assert line.startswith("glassnet playground at http://127.0.0.1:"), line
        url = line.split(" at ", 1)[1].strip()
        assert ("?token=" in url) is not no_token
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        page = opener.open(url, timeout=10).read()  # the redirect sets the token's cookie
        assert b"<title>glassnet playground</title>" in page
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=20)
    assert process.returncode == 130
    assert ("--no-token" in err) is no_token
