"""Tiles of tiny inline models run with onnxruntime beside the whole model: the ground truth
every op family's tiles must meet (a tile computes exactly its box of the model's output)."""

import numpy as np
import onnx
import onnx_ir as ir

from tests.graphs import make_model
from zkc.compiler.artifacts.facts import PartRef
from zkc.compiler.data.reference import ReferenceRunner
from zkc.compiler.ir.index import ModelIndex
from zkc.compiler.pieces.parts import PartIndex
from zkc.compiler.pieces.tiles import Tile, describe_tile
from zkc.compiler.target.chain import cut_part, whole_part

RNG = np.random.default_rng(3)


def shaped_model(nodes, inputs, outputs, initializers=(), opset=17) -> ir.Model:
    """A model from onnx.helper pieces with every tensor's shape inferred (as planned)."""
    proto = ir.serde.serialize_model(make_model(nodes, inputs, outputs, initializers, opset))
    return ir.serde.deserialize_model(onnx.shape_inference.infer_shapes(proto, strict_mode=True))


def node_named(model: ir.Model, name: str) -> ir.Node:
    return next(n for n in model.graph if n.name == name)


def random_feeds(model: ir.Model) -> dict[str, np.ndarray]:
    return {v.name: RNG.normal(size=tuple(v.shape)).astype(np.float32) for v in model.graph.inputs}


def tile_of(model: ir.Model, box, nodes: list[str] | None = None) -> Tile:
    """The tile of `nodes` (default: every node, one unit) computing `box` of the last one's
    output, reading the model's inputs whole."""
    index = ModelIndex.of(model)
    names = nodes or [n.name for n in model.graph]
    output = index.nodes[names[-1]].outputs[0].name
    written = {
        v.name: PartIndex([whole_part(v.name, list(index.shapes[v.name]))])
        for v in model.graph.inputs
    }
    return describe_tile(index, names, box, written, [PartRef(tensor=output, box=box)])


def run_tile(tile: Tile, feeds: dict[str, np.ndarray]) -> np.ndarray:
    """The tile's output, fed the parts it reads cut from the model's inputs."""
    reads = {f"in_{k}": cut_part(feeds[p.tensor], p) for k, p in enumerate(tile.reads)}
    return ReferenceRunner(tile.model()).run(reads)["out_0"]


def check_tile(model: ir.Model, box, feeds=None) -> Tile:
    """Assert the tile computing `box` equals the model's output in that box; returns it."""
    feeds = feeds or random_feeds(model)
    tile = tile_of(model, box)
    expected = ReferenceRunner(model).run(feeds)[model.graph.outputs[0].name]
    want = expected[tuple(slice(a, b) for a, b in box)]
    np.testing.assert_allclose(run_tile(tile, feeds), want, rtol=1e-5, atol=1e-5)
    return tile


def tile_ops(tile: Tile) -> list[str]:
    """The op types of the tile's model, in order."""
    return [n.op_type for n in tile.model().graph]
