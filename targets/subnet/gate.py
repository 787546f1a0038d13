"""What a request to `zkc serve` passes before its inputs are read: its body, read within the
size limit, and its `btauth/1` signature, checked for this server's hotkey and the callers the
policy allows (zkc.targets.subnet.server answers the refusals)."""

from typing import TYPE_CHECKING

from bittensor import http_auth
from fastapi import Request

if TYPE_CHECKING:
    from zkc.targets.subnet.server import ServePolicy


def authenticate(
    request: Request, body: bytes, policy: "ServePolicy", nonces: http_auth.NonceStore
) -> tuple[int, str] | None:
    """None when the request is signed (btauth/1) for this hotkey by an allowed caller, else the
    refusal (status, detail): 401 unsigned, stale, replayed or badly signed; 403 another
    receiver or caller."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    try:
        caller = http_auth.verify(
            request.headers,
            body,
            method=request.method,
            path=target,
            self_hotkey_ss58=policy.hotkey_ss58,
            max_age=policy.max_age_seconds,
            nonce_store=nonces,
        )
    except http_auth.WrongReceiver as exc:
        return 403, str(exc)
    except http_auth.AuthError as exc:
        return 401, f"{type(exc).__name__}: {exc}"
    if policy.allowed_hotkeys and caller.hotkey_ss58 not in policy.allowed_hotkeys:
        return 403, f"hotkey {caller.hotkey_ss58} is not allowed to use this prover"
    return None


async def read_limited(request: Request, limit: int) -> bytes | None:
    """The raw body, or None as soon as it exceeds `limit` (never buffering more than that)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)
