"""Error pages in the site's layout, JSON errors for the API."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from .extensions import db
from .htmx import render

MESSAGES = {
    400: ("Bad request", "The request could not be understood. Please check it and try again."),
    403: ("Not allowed", "You do not have permission to do that."),
    404: ("Page not found", "We could not find that page. It may have moved or never existed."),
    405: ("Not allowed", "That kind of request is not accepted at this address."),
    409: ("Already taken", "Someone else got there first. Please choose again."),
    413: ("Too large", "What you sent is larger than this site accepts."),
    422: ("Please check your answers", "Some of what you entered needs another look."),
    429: ("Too many requests", "You have tried that too often. Please wait a minute and retry."),
    500: ("Something went wrong", "Sorry, something failed on our side. Please try again."),
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _handle_http(error: HTTPException):
    code = error.code or 500
    title, default_message = MESSAGES.get(code, (error.name, error.description))
    message = default_message
    # Descriptions set by our own aborts are written for visitors; Werkzeug's
    # generic ones are not, so only pass through the ones we wrote.
    if error.description and error.description != type(error).description:
        message = error.description
    if wants_json():
        response = jsonify(error={"status": code, "title": title, "message": message})
        response.status_code = code
    else:
        response = render("errors/error.html", block="content", status=code,
                          code=code, title=title, message=message)
    if code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    if code == 429:
        response.headers.setdefault("Retry-After", "60")
    return response


def _handle_csrf(error: CSRFError):
    error.description = (
        "This form has expired or was not sent from this site. "
        "Please go back, reload the page and try again."
    )
    return _handle_http(error)


def _handle_unexpected(error: Exception):
    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    db.session.rollback()
    return _handle_http(InternalServerError(original_exception=error))


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _handle_csrf)
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(Exception, _handle_unexpected)
