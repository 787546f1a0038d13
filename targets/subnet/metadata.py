"""metadata.json of a subnet 2 circuit directory: exactly the keys the subnet parses."""

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

SEMVER = re.compile(r"^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")


class SubnetMetadata(BaseModel):
    """The subnet builds its metadata object with `cls(**metadata)`: an unknown key breaks loading."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    description: str
    author: str = Field(min_length=1)
    version: str
    proof_system: Literal["EZKL"] = "EZKL"
    type: Literal["proof_of_computation", "proof_of_weights"] = "proof_of_computation"
    external_files: dict[str, str]
    netuid: int | None = None
    weights_version: int | None = None
    timeout: int | None = Field(None, gt=0)
    benchmark_choice_weight: float | None = Field(None, ge=0)

    @field_validator("version")
    @classmethod
    def _semver(cls, value: str) -> str:
        if not SEMVER.match(value):
            raise ValueError(f"'{value}' is not a semantic version (e.g. 1.0.0)")
        return value

    def to_json(self) -> dict:
        """The metadata.json document: optional keys appear only when set."""
        return self.model_dump(mode="json", exclude_none=True)
