"""nginx as docs/deployment.md configures it, for tests and the benchmark.

The config is taken from the ```nginx block of the section "nginx in front" in docs/deployment.md
and only the machine-specific parts (addresses, ports, paths, certificate) are replaced, so the
documented config and the tested one cannot drift apart. Each replacement must match: if the docs
change shape, `front_cache_config` fails loudly instead of testing something else.
"""

import contextlib
import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

from core.testing.servers import stop_process_group

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent
DEPLOYMENT_DOCS = PROJECT_DIR / "docs" / "deployment.md"
DOCS_SECTION = "## nginx in front"
# Debian: apt-get install nginx libnginx-mod-http-cache-purge
PURGE_MODULE = Path(os.environ.get("NGINX_PURGE_MODULE", "/usr/lib/nginx/modules/ngx_http_cache_purge_module.so"))
# The host name the docs' server block answers to (server_name).
DOCS_HOST = "www.wir-leben-eifel.de"


def nginx_binary():
    return shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def missing_front_cache_tools(need_purge=True, need_tls=True):
    """A sentence naming what is missing to run nginx like the docs, or None."""
    missing = []
    if not nginx_binary():
        missing.append("nginx")
    if need_purge and not PURGE_MODULE.exists():
        missing.append(f"the cache purge module ({PURGE_MODULE})")
    if need_tls and not shutil.which("openssl"):
        missing.append("openssl (for a test certificate)")
    if not missing:
        return None
    return f"{' and '.join(missing)} not installed (apt-get install nginx libnginx-mod-http-cache-purge openssl)"


def docs_nginx_block():
    """The nginx code block of the front-cache section of docs/deployment.md."""
    text = DEPLOYMENT_DOCS.read_text()
    section = text.split(DOCS_SECTION, 1)[1].split("\n## ", 1)[0]
    match = re.search(r"```nginx\n(.*?)```", section, re.S)
    if match is None:
        raise AssertionError(f"no ```nginx block in the section {DOCS_SECTION!r} of {DEPLOYMENT_DOCS}")
    return match.group(1)


def _replace(text, pattern, replacement, count=0):
    new, number = re.subn(pattern, replacement, text, count=count, flags=re.M)
    if not number:
        raise AssertionError(f"docs/deployment.md's nginx config no longer contains {pattern!r}")
    return new


def front_cache_config(
    workdir,
    *,
    app_port,
    port,
    purge_port=None,
    certificate=None,
    cache_valid=None,
    worker_processes=1,
):
    """A complete nginx.conf: the docs' block with local ports and paths, inside a minimal main config.

    `certificate` = (cert, key) listens with TLS like the docs; without it plain HTTP (the benchmark).
    `purge_port` None drops the purge server (when the module is not installed). `cache_valid`
    replaces the docs' `proxy_cache_valid` time (a test makes it long, so only a purge explains fresh
    content).
    """
    workdir = Path(workdir)
    block = docs_nginx_block()
    block = _replace(block, r"proxy_cache_path /var/cache/nginx/wle ", f"proxy_cache_path {workdir}/cache ")
    # The docs' upstream has two app servers; here there is one.
    block = _replace(block, r"^(\s*)server 10\.0\.0\.11:8000;\n", rf"\g<1>server 127.0.0.1:{app_port};\n")
    block = _replace(block, r"^\s*server 10\.0\.0\.\d+:8000;\n", "")
    if certificate:
        block = _replace(block, r"listen 443 ssl http2;", f"listen 127.0.0.1:{port} ssl http2;")
        block = _replace(
            block,
            r"# ssl_certificate \.\.\.; ssl_certificate_key \.\.\.;",
            f"ssl_certificate {certificate[0]}; ssl_certificate_key {certificate[1]};",
        )
    else:
        block = _replace(block, r"listen 443 ssl http2;.*$", f"listen 127.0.0.1:{port};")
    block = _replace(block, r"alias /srv/wle/staticfiles/;", f"alias {PROJECT_DIR}/staticfiles/;")
    if cache_valid:
        block = _replace(block, r"proxy_cache_valid 200 \S+;", f"proxy_cache_valid 200 {cache_valid};")
    purge_server = r"\n# Wagtail's purge requests.*\Z"
    if purge_port:
        block = _replace(block, r"listen 10\.0\.0\.10:8080;", f"listen 127.0.0.1:{purge_port};")
        block = _replace(block, r"allow 10\.0\.0\.0/24;", "allow 127.0.0.1;")
    else:
        block = re.sub(purge_server, "\n", block, flags=re.S)
    load = f"load_module {PURGE_MODULE};\n" if PURGE_MODULE.exists() else ""
    if os.geteuid() == 0:
        # Workers would run as nobody, who cannot enter a private temporary directory.
        load += "user root;\n"
    temp = "\n".join(
        f"    {kind}_temp_path {workdir}/tmp-{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    indented = "\n".join(f"    {line}" if line else "" for line in block.splitlines())
    return f"""{load}worker_processes {worker_processes};
daemon off;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    default_type text/html;
{temp}
{indented}
}}
"""


def self_signed_certificate(workdir, host=DOCS_HOST):
    cert, key = Path(workdir) / "cert.pem", Path(workdir) / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
        + ["-keyout", str(key), "-out", str(cert), "-subj", f"/CN={host}"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


class Nginx:
    """nginx in the foreground with the given config; `stop()` ends it."""

    def __init__(self, workdir, config):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.conf = self.workdir / "nginx.conf"
        self.conf.write_text(config)
        binary = nginx_binary()
        test = subprocess.run(
            [binary, "-t", "-c", str(self.conf), "-p", str(self.workdir)], capture_output=True, text=True
        )
        if test.returncode != 0:
            raise RuntimeError(f"nginx rejects the config:\n{test.stderr}\n{config}")
        self.process = subprocess.Popen(
            [binary, "-c", str(self.conf), "-p", str(self.workdir)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def wait_until_listening(self, port, seconds=20):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited: {self.error_log()}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                return self
            time.sleep(0.1)
        raise RuntimeError(f"nginx did not listen on {port} in {seconds} s: {self.error_log()}")

    def error_log(self):
        path = self.workdir / "error.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def stop(self):
        stop_process_group(self.process)
