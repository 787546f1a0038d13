"""One small case per ONNX op family EZKL's op mapping (tract's) covers, beyond the rewrite
cases in `op_cases`: element-wise, comparison and logic, reductions, shape and indexing,
normalisation, pooling and recurrent ops. `make ops` measures every case on plain EZKL and
through zkc; the EZKL target's op table (targets/ezkl/op_table.json) is derived from it.

Inputs are float; integer operands (indices, shapes, axes) are constants in the model, and
boolean results pass through Where, so every case reads and writes float tensors.
"""

from zkc.model_zoo.op_case import OpCase
from zkc.model_zoo.op_families.elementwise import ELEMENTWISE
from zkc.model_zoo.op_families.layers import LAYERS
from zkc.model_zoo.op_families.logic import LOGIC
from zkc.model_zoo.op_families.reductions import REDUCTIONS
from zkc.model_zoo.op_families.shapes import SHAPES

# The order is the table's (docs/ops.md).
FAMILY_CASES: list[OpCase] = [*ELEMENTWISE, *LOGIC, *REDUCTIONS, *SHAPES, *LAYERS]
