"""gunicorn settings for the backend container."""

import os

# gunicorn's default bind address, 127.0.0.1, is unreachable from nginx in
# another container, which then returns 502 Bad Gateway.
bind = "0.0.0.0:8000"
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
accesslog = "-"
errorlog = "-"
# A request slower than this is cut off and its worker restarted.
timeout = 30
# gunicorn 25 and later open a control socket (for gunicornc) in the working
# folder, which is read-only in the container; nothing here uses it.
control_socket_disable = True
