"""Fixtures for the example skills: a temporary project whose ``[skills].paths``
points at ``examples/skills`` (searched in place, as a user would set it up)."""

from __future__ import annotations

import pytest
from example_helpers import EXAMPLE_SKILLS

from kurt.testing import KurtProject


@pytest.fixture
def examples_project(kurt_project: KurtProject) -> KurtProject:
    """A trusted project that finds the example skills through ``[skills].paths``."""
    kurt_project.add_path(EXAMPLE_SKILLS)
    return kurt_project
