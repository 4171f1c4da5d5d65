"""Refusal reasons in words: the slug stays in ``context.reason``, people read a sentence.

Layers below refuse with a short ``reason`` slug (a webhook's ``bad_signature``, ``stale``
…); the problem handler puts the sentence of that slug into the message, in zh-CN and
English, so nobody reads "Webhook refused: bad_signature.". A slug missing here is shown
as words (``too_many`` → "too many"), never as the bare slug.
"""

from __future__ import annotations

import re
from typing import Final

#: Reason slug -> (English, Chinese), written to follow "… refused: ".
REASONS: Final[dict[str, tuple[str, str]]] = {
    "missing_headers": ("the webhook-id, webhook-timestamp or webhook-signature header is "
                        "missing",
                        "缺少 webhook-id、webhook-timestamp 或 webhook-signature 请求头"),
    "bad_timestamp": ("the webhook-timestamp header is not a Unix time in seconds",
                      "webhook-timestamp 请求头不是以秒计的 Unix 时间"),
    "stale": ("the timestamp is too old (more than 5 minutes), so this may be a replay; "
              "send it again with the current time",
              "时间戳过旧（超过 5 分钟），可能是重放；请用当前时间重新发送"),
    "future": ("the timestamp is more than 5 minutes ahead; check the sender's clock",
               "时间戳超前 5 分钟以上；请检查发送方的时钟"),
    "bad_signature": ("the signature does not match the body; check the connector's secret "
                      "and sign the exact bytes sent",
                      "签名与请求内容不符；请检查连接器密钥，并对实际发送的字节签名"),
    "unknown_connector": ("no enabled inbound webhook has this address",
                          "没有启用中的入站 webhook 使用此地址"),
    "disabled": ("the connector is switched off", "该连接器已停用"),
    "bad_payload": ("the body is not JSON", "请求内容不是 JSON"),
    "schema_violation": ("the body does not match the connector's schema",
                         "请求内容不符合连接器的数据结构"),
    "too_large": ("the body is too large", "请求内容过大"),
    "rate_limited": ("too many requests; wait a moment and send again",
                     "请求过于频繁；请稍后再发"),
}
_SLUG: Final = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")


#: Error codes whose ``reason`` is always a slug of :data:`REASONS`.
SLUG_REASONS: Final = frozenset({"connector.signature_rejected", "connector.payload_rejected",
                                 "connector.not_found"})


def reason_words(code: str, reason: object, reason_zh: object = None) -> tuple[str, str] | None:
    """English and Chinese words for the reason slug of an error; None to keep the message.

    The slugs of :data:`SLUG_REASONS` errors are always worded. Elsewhere a reason is only
    replaced when it is a slug with ``_`` and no Chinese text of its own came with it.
    """
    if not isinstance(reason, str) or not _SLUG.fullmatch(reason):
        return None
    found = REASONS.get(reason)
    if code in SLUG_REASONS and found is not None:
        return found
    if "_" not in reason or (isinstance(reason_zh, str) and reason_zh != reason):
        return None
    return found or (reason.replace("_", " "), f"原因代码 {reason}")
