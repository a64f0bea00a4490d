"""Helpers for tests that run the site in real gunicorn processes (marked `services`)."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from bs4 import BeautifulSoup

from django.conf import settings

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def session_database_url(port=None):
    """The URL of the database this test session uses (pytest-django's test_<name>)."""
    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    return f"postgres://{user}{password}@{host}:{port or db.get('PORT') or 5432}/{db['NAME']}"


def skip_unless_postgresql():
    import pytest

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        reason = "needs PostgreSQL: run with DATABASE_URL=postgres://... (two processes share the database)"
        # CI (.ci/run, REQUIRE_E2E=1) must run these tests, never skip them.
        if os.environ.get("REQUIRE_E2E") == "1":
            pytest.fail(f"REQUIRE_E2E=1 but the test {reason}")
        pytest.skip(reason)


def stop_process_group(process, seconds=10):
    """SIGTERM to a process started with `start_new_session=True` and its children; SIGKILL if they linger."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


class AppServer:
    """One gunicorn process serving the site on 127.0.0.1:<port>."""

    def __init__(self, env, port=None, workers=1):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(f"/tmp/wle-test-gunicorn-{self.port}.log", "w+b")  # noqa: SIM115
        full_env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", "/tmp"),
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "WEB_CONCURRENCY": str(workers),
            "GUNICORN_THREADS": "2",
            "GUNICORN_TIMEOUT": "30",
            "BIND": f"127.0.0.1:{self.port}",
            **env,
        }
        self.process = subprocess.Popen(
            [str(GUNICORN), "-c", "gunicorn.conf.py", "config.wsgi:application"],
            cwd=PROJECT_DIR,
            env=full_env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_until_up(self, seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.output()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not start in {seconds} s: {self.output()}")

    def output(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-4000:]

    def stop(self):
        stop_process_group(self.process)
        self.log.close()


@contextlib.contextmanager
def app_server(env, **kwargs):
    server = AppServer(env, **kwargs)
    try:
        yield server.wait_until_up()
    finally:
        server.stop()


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body
        self.text = body.decode("utf-8", errors="replace")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def request(url, data=None, timeout=30, cookies=None, host=None, ssl_context=None):
    """GET (or POST form `data`) without following redirects; any status is returned, not raised.
    `ssl_context` for https URLs (a test certificate: `ssl._create_unverified_context()`)."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    req = urllib.request.Request(url, data=body)
    if host:
        # Behind a load balancer every app server sees the site's own host name.
        req.add_header("Host", host)
    if cookies:
        req.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()))
    handlers = [NoRedirect]
    if ssl_context is not None:
        handlers.append(urllib.request.HTTPSHandler(context=ssl_context))
    opener = urllib.request.build_opener(*handlers)
    try:
        with opener.open(req, timeout=timeout) as resp:
            return Response(resp.status, resp.headers, resp.read())
    except urllib.error.HTTPError as error:
        return Response(error.code, error.headers, error.read())


def comment_form_data(page_html, comment, name="Leserin Test", email="leserin@example.org"):
    """The comment form of a post page, filled in as a reader would (hidden fields kept)."""
    soup = BeautifulSoup(page_html, "html.parser")
    form = soup.find("form", id="kommentarformular") or soup.find("form", class_="comment-form")
    assert form is not None, "no comment form on the page"
    data = {}
    for field in form.find_all(["input", "textarea"]):
        if field.get("name") and field.get("type") not in ("checkbox", "submit"):
            data[field["name"]] = field.get("value", "")
    data.update({"comment": comment, "name": name, "email": email})
    return form.get("action"), data


class TcpProxy:
    """A TCP relay in front of PostgreSQL or Redis that a test can cut (refuse and drop connections),
    make hang (accept connections and never answer) and restore. `accepted` counts connections."""

    def __init__(self, target_port, target_host="127.0.0.1", hanging=False):
        self.target = (target_host, target_port)
        self.port = free_port()
        self.hanging = hanging
        self.accepted = 0
        self._listener = None
        self._connections = []
        self._lock = threading.Lock()
        self._thread = None

    def start(self):
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", self.port))
        self._listener.listen(64)
        self._thread = threading.Thread(target=self._accept, args=(self._listener,), daemon=True)
        self._thread.start()
        return self

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            with self._lock:
                self.accepted += 1
                if self.hanging:
                    self._connections.append(client)  # held open, never read, never answered
                    continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._connections += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def cut(self):
        """The database is gone: new connections are refused, open ones drop."""
        if self._listener is not None:
            # shutdown() wakes the thread blocked in accept(); close() alone would not stop it.
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            self._listener = None
        self._drop_connections()

    def _drop_connections(self):
        with self._lock:
            for sock in self._connections:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._connections = []

    def hang(self):
        """The server hangs: connections are accepted and never answered; open relays drop."""
        self.hanging = True
        self._drop_connections()

    def relay(self):
        """The server answers again (after `hang()`): held connections drop, new ones are relayed."""
        self.hanging = False
        self._drop_connections()

    def restore(self):
        self.start()

    def stop(self):
        self.cut()


class Browser:
    """A tiny cookie-keeping client for a real server: log in to the admin and send its forms."""

    def __init__(self, base_url):
        import http.cookiejar

        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(NoRedirect, urllib.request.HTTPCookieProcessor(self.cookies))

    def open(self, path, data=None, timeout=30):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base_url + path, data=body)
        if data is not None:
            req.add_header("Referer", self.base_url + path)
        try:
            with self.opener.open(req, timeout=timeout) as resp:
                return Response(resp.status, resp.headers, resp.read())
        except urllib.error.HTTPError as error:
            return Response(error.code, error.headers, error.read())

    def csrf_token(self, path):
        page = self.open(path)
        field = BeautifulSoup(page.text, "html.parser").find("input", attrs={"name": "csrfmiddlewaretoken"})
        assert field is not None, f"no CSRF token on {path} ({page.status})"
        return field["value"]

    def log_in(self, username, password):
        token = self.csrf_token("/admin/login/")
        response = self.open(
            "/admin/login/", {"csrfmiddlewaretoken": token, "username": username, "password": password}
        )
        assert response.status == 302, response.text[:1000]
        return response
