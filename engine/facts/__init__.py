"""Facts: what a rule reads that the event's payload does not carry, loaded by declared loaders.

Every field of the schema registry has a source: the payload (``FieldDef.source``) or a fact
loader (``FieldDef.loader``). A compiled plan knows which fields each event type's rules
read (:attr:`engine.compiler.Plan.reads`); :func:`load_facts` runs only the loaders those
fields need (no query at all for a plan that reads only payload fields), and production,
shadow, replay, guards, correlation and "try it" all call it. Rule tests use
:class:`GivenFacts`, the in-memory twin of the database loaders.
"""

from engine.facts.interest import EventInterest, forget_interest, install_interest
from engine.facts.load import fact_fields, load_facts, load_for_plans, payload_fields
from engine.facts.loaders import LOADERS, DbFacts, FactLoader, FactSource, GivenFacts

__all__ = ["LOADERS", "DbFacts", "EventInterest", "FactLoader", "FactSource", "GivenFacts",
           "fact_fields", "forget_interest", "install_interest", "load_facts",
           "load_for_plans", "payload_fields"]
