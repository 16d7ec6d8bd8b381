"""The message formats and signatures of each chat service, as each documents them, and the HTTP call.

- WeCom group robot: `{"msgtype": "markdown", "markdown": {"content": ...}}`, a mention is `<@userid>` in the
  content; it answers `{"errcode": 0}`.
- DingTalk custom robot: `{"msgtype": "markdown", "markdown": {"title", "text"}, "at": {"atUserIds",
  "atMobiles"}}`; signed with `timestamp` (ms) and `sign` = base64(HMAC-SHA256(key=secret,
  msg=timestamp + "\\n" + secret)), URL-encoded, added to the address; it answers `{"errcode": 0}`.
- Feishu custom bot: `{"msg_type": "text", "content": {"text": ...}}`, a mention is `<at user_id="open_id">`;
  signed in the body with `timestamp` (s) and `sign` = base64(HMAC-SHA256(key=timestamp + "\\n" + secret,
  msg="")); it answers `{"code": 0}`.
- Generic webhook: a JSON body, headers `X-CRM-Timestamp` (s) and `X-CRM-Signature: sha256=<hex HMAC-SHA256
  (key=secret, msg=timestamp + "." + body)>`; any 2xx is delivered.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy

from crm.stored_text import Text, encode
from integrations.models import ChannelKind

# The chat service must answer within this many seconds: a slow one is retried later, it never holds a worker
# (or a person pressing "send a test") for long.
TIMEOUT_SECONDS = 5
RESPONSE_KEEP = 1000  # characters of the answer kept in the delivery log


@dataclass
class ChatMessage:
    title: str
    text: str
    link: str = ""
    # The recipient's accounts: {"wecom": userid, "dingtalk_user_id": ..., "dingtalk_mobile": ..., "feishu": ...}
    mentions: dict[str, str] = field(default_factory=dict)
    kind: str = ""  # the notification kind, for the generic webhook
    recipient: str = ""  # the recipient's user name, for the generic webhook


@dataclass
class ChatRequest:
    url: str
    headers: dict[str, str]
    body: bytes


@dataclass
class ChatAnswer:
    delivered: bool
    status: int | None
    body: str
    error: str = ""


def _json(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def _hmac_b64(key: bytes, message: bytes) -> str:
    return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()


def _markdown(message: ChatMessage) -> str:
    lines = [f"**{message.title}**", "", message.text]
    if message.link:
        lines += ["", f"[{message.link}]({message.link})"]
    return "\n".join(lines)


def build_request(kind: str, url: str, secret: str, message: ChatMessage, *, now: float | None = None
                  ) -> ChatRequest:
    """The HTTP request that posts `message` to a channel of `kind` at `url`, signed with `secret` (if any)."""
    now = time.time() if now is None else now
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if kind == ChannelKind.WECOM:
        content = _markdown(message)
        if message.mentions.get("wecom"):
            content += f"\n<@{message.mentions['wecom']}>"
        return ChatRequest(url, headers, _json({"msgtype": "markdown", "markdown": {"content": content}}))
    if kind == ChannelKind.DINGTALK:
        at_users = [message.mentions["dingtalk_user_id"]] if message.mentions.get("dingtalk_user_id") else []
        at_mobiles = [message.mentions["dingtalk_mobile"]] if message.mentions.get("dingtalk_mobile") else []
        text = _markdown(message)
        # DingTalk shows a mention only when the text names the person too.
        text += "".join(f"\n@{who}" for who in at_users + at_mobiles)
        body = _json({"msgtype": "markdown", "markdown": {"title": message.title, "text": text},
                      "at": {"atUserIds": at_users, "atMobiles": at_mobiles, "isAtAll": False}})
        if secret:
            timestamp = str(int(now * 1000))
            sign = _hmac_b64(secret.encode(), f"{timestamp}\n{secret}".encode())
            separator = "&" if urllib.parse.urlsplit(url).query else "?"
            url = f"{url}{separator}{urllib.parse.urlencode({'timestamp': timestamp, 'sign': sign})}"
        return ChatRequest(url, headers, body)
    if kind == ChannelKind.FEISHU:
        text = f"{message.title}\n{message.text}"
        if message.link:
            text += f"\n{message.link}"
        if message.mentions.get("feishu"):
            text += f'\n<at user_id="{message.mentions["feishu"]}"></at>'
        payload: dict = {"msg_type": "text", "content": {"text": text}}
        if secret:
            timestamp = str(int(now))
            payload = {"timestamp": timestamp, "sign": _hmac_b64(f"{timestamp}\n{secret}".encode(), b""), **payload}
        return ChatRequest(url, headers, _json(payload))
    if kind == ChannelKind.WEBHOOK:
        body = _json({"kind": message.kind, "title": message.title, "text": message.text, "link": message.link,
                      "recipient": message.recipient, "mentions": message.mentions})
        timestamp = str(int(now))
        if secret:
            digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
            headers["X-CRM-Signature"] = f"sha256={digest}"
        headers["X-CRM-Timestamp"] = timestamp
        return ChatRequest(url, headers, body)
    raise ValueError(f"unknown channel kind {kind!r}")


def _accepted(kind: str, status: int, body: str) -> bool:
    """Whether the service took the message: WeCom and DingTalk say errcode 0, Feishu code 0 (older bots
    StatusCode 0), the webhook any 2xx."""
    if not 200 <= status < 300:
        return False
    if kind == ChannelKind.WEBHOOK:
        return True
    try:
        answer = json.loads(body)
    except ValueError:
        return False
    if not isinstance(answer, dict):
        return False
    if kind in (ChannelKind.WECOM, ChannelKind.DINGTALK):
        return answer.get("errcode") == 0
    return answer.get("code", answer.get("StatusCode")) == 0


def post(kind: str, request: ChatRequest, *, timeout: float = TIMEOUT_SECONDS) -> ChatAnswer:
    """Send the request; never raises: a refused, slow or unreachable service is an answer not delivered."""
    if urllib.parse.urlsplit(request.url).scheme not in ("http", "https"):
        return ChatAnswer(False, None, "", encode(Text(gettext_lazy("The address must start with http:// or https://."))))
    http = urllib.request.Request(request.url, data=request.body, headers=request.headers, method="POST")  # noqa: S310 - scheme checked above
    try:
        with urllib.request.urlopen(http, timeout=timeout) as response:  # noqa: S310 - scheme checked above
            status, body = response.status, response.read(RESPONSE_KEEP * 4).decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        body = exc.read(RESPONSE_KEEP * 4).decode("utf-8", "replace") if exc.fp else ""
        return ChatAnswer(False, exc.code, body[:RESPONSE_KEEP], f"HTTP {exc.code}")
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return ChatAnswer(False, None, "", f"{exc.__class__.__name__}: {reason}"[:300])
    delivered = _accepted(kind, status, body)
    return ChatAnswer(delivered, status, body[:RESPONSE_KEEP],
                      "" if delivered else encode(Text(gettext_lazy("The service refused the message."))))
