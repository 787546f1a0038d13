"""The chain's typed facts: derived properties, shared circuits, strict and frozen records."""

import pytest
from pydantic import ValidationError

from tests.compiler.artifacts.examples import chain, circuit
from zkc.compiler.artifacts.facts import ChainFacts, PartRef, SearchPoint, SrsFacts


def test_a_whole_model_is_a_chain_of_one():
    facts = chain([circuit(0, 12, num_rows=3000)], [0])
    assert not facts.sliced
    assert facts.first == facts.last == facts.circuits[0]
    assert facts.logrows == 12 and facts.num_rows == 3000


def test_a_sliced_chain_with_a_shared_circuit():
    """Pieces 1..3 share circuit 1: its rows count once per piece, the largest logrows wins."""
    circuits = [circuit(0, 11, 900), circuit(1, 14, 5000), circuit(2, 9, 200)]
    facts = chain(circuits, [0, 1, 1, 1, 2])
    assert facts.sliced
    assert facts.circuit_of(2).index == 1
    assert facts.first.index == 0 and facts.last.index == 2
    assert facts.logrows == 14
    assert facts.num_rows == 900 + 3 * 5000 + 200
    assert facts.srs.logrows == 14 and facts.srs.sha256 == "srs14"


def test_unknown_row_counts_count_as_zero():
    facts = chain([circuit(0, 11, None), circuit(1, 12, 40)], [0, 1])
    assert facts.num_rows == 40


def test_part_size():
    assert PartRef(tensor="t", box=[(0, 1), (2, 5), (0, 4)]).size == 12
    assert PartRef(tensor="t", box=[]).size == 1


def test_facts_refuse_unknown_fields():
    with pytest.raises(ValidationError, match="extra"):
        SrsFacts(logrows=10, sha256="s", insecure_dev=False, path="/tmp/kzg10.srs")


def test_facts_are_frozen():
    point = SearchPoint(scale=7, decomp_base=1024, decomp_legs=2, logrows=15)
    with pytest.raises(ValidationError, match="frozen"):
        point.scale = 8


def test_an_unknown_link_mode_is_refused():
    doc = chain([circuit(0, 10)], [0]).model_dump()
    doc["link"] = "kzg"
    with pytest.raises(ValidationError, match="link"):
        ChainFacts.model_validate(doc)


def test_facts_round_trip_through_json():
    facts = chain([circuit(0, 11), circuit(1, 13)], [0, 1, 1])
    again = ChainFacts.model_validate_json(facts.model_dump_json())
    assert again == facts
    assert again.pieces[1].inputs[0].box == [(0, 1), (0, 4)]  # tuples come back as tuples
