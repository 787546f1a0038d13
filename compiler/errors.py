"""Errors a user can cause, and the exit codes the CLI maps them to."""


class ZkcError(Exception):
    """Base class of every error zkc reports to a user as one line."""

    exit_code = 2


class UserInputError(ZkcError):
    """Bad input: a file, node, field or value the user handed in is wrong (exit 2)."""

    exit_code = 2


class UnsupportedOpError(UserInputError):
    """The model uses an op the target cannot compile; names the op type and node."""

    def __init__(self, source: str, node_name: str, op_type: str, reason: str):
        self.node_name = node_name
        self.op_type = op_type
        super().__init__(f"{source}: node '{node_name}' ({op_type}): {reason}")


class ArtifactError(UserInputError):
    """An artifact directory is missing files, or a file does not match its manifest hash."""


class VerificationError(ZkcError):
    """A proof or check failed (exit 1)."""

    exit_code = 1


class ToolError(ZkcError):
    """An external tool (EZKL, onnxruntime) failed on input zkc believed valid (exit 1)."""

    exit_code = 1


class ReferenceMismatchError(ZkcError):
    """A compiled circuit does not compute the model: its outputs differ from onnxruntime's on
    held-out samples beyond the tolerance (exit 1; nothing is written)."""

    exit_code = 1


class NoSpaceError(ZkcError):
    """A disk is too full for what zkc must write there; names the path and the room needed
    (exit 1; nothing half-written is left)."""

    exit_code = 1
