"""JMESPath field mapping: payload → event, event → payload; bad mappings refused early."""

from __future__ import annotations

import pytest

from connectors.errors import InvalidMapping
from connectors.mapping import InboundMap, outbound_body


def test_an_inbound_mapping_builds_an_entity_shaped_event():
    mapping = InboundMap({"event_type": "scanner.scanned", "key": "body.sku",
                          "message_id": "body.id",
                          "fields": {"scanner.id": "levels[3]", "item.sku": "body.sku",
                                     "item.qty": "sum(body.parts[].qty)"}})
    event = mapping.apply({"body": {"sku": "TEA-1", "id": 9, "parts": [{"qty": 2}, {"qty": 3}]},
                           "levels": ["jxc", "t1", "scanner", "S1", "scan"]}, "default")
    assert (event.type, event.key, event.message_id) == ("scanner.scanned", "TEA-1", "9")
    assert event.payload == {"scanner": {"id": "S1"}, "item": {"sku": "TEA-1", "qty": 5}}


def test_missing_values_become_null_and_the_key_falls_back():
    event = InboundMap({"event_type": "a.b", "key": "body.nope",
                        "fields": {"x": "body.nope"}}).apply({"body": {}}, "connector-1")
    assert (event.key, event.payload) == ("connector-1", {"x": None})


@pytest.mark.parametrize("spec", [
    {"event_type": "a.b", "fields": {"x": "body.[["}},  # JMESPath syntax error
    {"event_type": "ab", "fields": {"x": "body"}},  # not a dotted event type
    {"event_type": "a.b", "fields": {}},  # nothing mapped
    {"event_type": "a.b", "fields": {"x y": "body"}},  # target is not a dotted name
    {"event_type": "a.b", "fields": {"x": 3}},  # expression is not text
    {"event_type": "a.b", "fields": {"x": "body"}, "key": "]["},  # bad key expression
])
def test_a_bad_mapping_is_refused_when_built(spec):
    with pytest.raises(InvalidMapping):
        InboundMap(spec)


def test_outbound_body_is_the_document_or_its_mapping():
    document = {"type": "stock.received", "data": {"sku": "TEA-1", "qty": "5.000"}}
    assert outbound_body(None, document) == document
    assert outbound_body({"fields": {"item.code": "data.sku", "kind": "type"}}, document) == {
        "item": {"code": "TEA-1"}, "kind": "stock.received"}
