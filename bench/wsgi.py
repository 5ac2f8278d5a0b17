"""The site plus `/_bench/bare`, the ceiling: a Flask response doing no work of its own.

It passes through the same gunicorn, WSGI stack and after-request hooks
(security headers) as every page, so `page req/s ÷ bare req/s` measures what
the page itself costs. Used only by the benchmarks: `gunicorn 'bench.wsgi:app'`.
"""

from coaching import create_app

app = create_app()


@app.get("/_bench/bare")
def bare():
    """Answer with two bytes and nothing else."""
    return "ok"
