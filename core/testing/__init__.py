"""What the tests and the benchmarks both need: real servers in subprocesses (gunicorn, nginx), the
form data a browser sends, and the site tree fixtures build. Never imported by the site itself."""
